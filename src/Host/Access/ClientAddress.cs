using System.Net;
using System.Net.Sockets;

namespace EventCrm.Host.Access;

/// <summary>
/// The client a request's unknown keys are counted against (<see cref="UnknownKeyLimit"/>): the
/// connection's remote address, as Kestrel gives it (X-Forwarded-For only when forwarded headers
/// are configured, docs/api.md "Access"). An IPv6 address counts by its /64: one host usually
/// holds a whole /64 and could otherwise try from a new address every time.
/// </summary>
public static class ClientAddress
{
    public const string None = "no address";

    public static string Of(IPAddress? address)
    {
        if (address is null) return None;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        bytes.AsSpan(8).Clear();
        return $"{new IPAddress(bytes)}/64";
    }
}

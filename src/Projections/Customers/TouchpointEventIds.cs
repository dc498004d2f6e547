using System.Security.Cryptography;
using System.Text;

namespace EventCrm.Projections.Customers;

/// <summary>
/// The event id of a touchpoint is derived from its caller-given touchpoint id (a name-based UUID,
/// RFC 9562 version 5), so the event store's unique index on event ids is what makes the same
/// touchpoint impossible to record twice, across requests, restarts and nodes.
/// </summary>
public static class TouchpointEventIds
{
    private static readonly byte[] Namespace = Guid.Parse("5f1d1c2e-8f35-4d0a-9c55-0b6a3c7e2a41").ToByteArray(bigEndian: true);

    public static Guid For(string touchpointId)
    {
        var name = Encoding.UTF8.GetBytes(touchpointId);
        var input = new byte[Namespace.Length + name.Length];
        Namespace.CopyTo(input, 0);
        name.CopyTo(input, Namespace.Length);
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

using System.Text;

namespace Orleans.Barrier;

/// <summary>
/// Which registry bucket holds a barrier's name. The barrier grain registers by it and the admin lists every bucket,
/// so both sides must agree on it forever: the hash is FNV-1a over the name's UTF-8 bytes, which unlike
/// <see cref="string.GetHashCode()"/> is the same in every process and every .NET version.
/// </summary>
internal static class BarrierRegistryBuckets
{
    /// <summary>
    /// How many buckets there are. Enough that creating many barriers at once spreads over several grains and silos,
    /// few enough that a listing asks them all at once. Never change it: names already stored would sit in the wrong bucket.
    /// </summary>
    public const int Count = 16;

    private const uint FnvOffsetBasis = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>The bucket of the barrier called <paramref name="name"/>, in <c>[0, Count)</c>.</summary>
    public static int Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);

        // Names are at most 1,024 characters (3,072 UTF-8 bytes); most are short, so spare the heap for them.
        var maxBytes = Encoding.UTF8.GetMaxByteCount(name.Length);
        Span<byte> bytes = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        bytes = bytes[..Encoding.UTF8.GetBytes(name, bytes)];

        var hash = FnvOffsetBasis;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return (int)(hash % Count);
    }
}

namespace Plugboard.Packaging;

/// <summary>
/// Bounds on what reading a package may cost, enforced on the bytes actually decompressed (zip headers
/// are never trusted). The defaults fit any reasonable plugin; raise them for a genuine large package.
/// </summary>
public sealed record ExtractionLimits
{
    /// <summary>The defaults.</summary>
    public static ExtractionLimits Default { get; } = new();

    /// <summary>The most entries an archive may hold (files, the content list and folder entries). Default 10 000.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>The most bytes all entries together may decompress to. Default 1 GiB.</summary>
    public long MaxTotalSize { get; init; } = 1L << 30;

    /// <summary>The most bytes one entry may decompress to. Default 512 MiB.</summary>
    public long MaxEntrySize { get; init; } = 512L << 20;

    /// <summary>The highest ratio of decompressed to compressed bytes an entry may reach. Default 100.</summary>
    public double MaxCompressionRatio { get; init; } = 100;

    /// <summary>
    /// How many bytes an entry may decompress to before its ratio is checked, so that small, very
    /// compressible files (a page of zeros) pass. Default 1 MiB.
    /// </summary>
    public long CompressionRatioThreshold { get; init; } = 1L << 20;

    internal void Validate()
    {
        if (MaxEntries < 2 || MaxTotalSize < 1 || MaxEntrySize < 1 || MaxCompressionRatio < 1 || CompressionRatioThreshold < 0)
        {
            throw new ArgumentException(
                "ExtractionLimits: MaxEntries must be at least 2, sizes positive, MaxCompressionRatio at least 1 and CompressionRatioThreshold not negative.");
        }
    }
}

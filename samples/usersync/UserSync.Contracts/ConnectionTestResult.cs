namespace UserSync;

/// <summary>The outcome of <see cref="IDataSource.TestConnectionAsync"/>.</summary>
/// <param name="Ok">Whether the source answered as expected.</param>
/// <param name="Message">What was checked, or what failed and what to do.</param>
public sealed record ConnectionTestResult(bool Ok, string Message);

namespace BuzzKeyMgmt.Engine.Configuration;

/// <summary>The configuration file cannot be used. The message names the file, the line or key, and what is expected.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string file, string location, string problem, Exception? inner = null)
        : base($"{file}: {location}: {problem}", inner)
    {
        File = file;
        Location = location;
        Problem = problem;
    }

    public string File { get; }
    public string Location { get; }
    public string Problem { get; }
}

namespace BuzzKeyMgmt.Engine.Configuration;

/// <summary>Where the environments file lives: $env:BUZZKEYMGMT_CONFIG, else the user's config directory
/// (XDG_CONFIG_HOME or ~/.config on Linux and macOS, %APPDATA% on Windows) + BuzzKeyMgmt/environments.json.</summary>
public static class ConfigurationPaths
{
    public const string OverrideVariable = "BUZZKEYMGMT_CONFIG";

    public static string EnvironmentsFile
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable(OverrideVariable);
            if (!string.IsNullOrWhiteSpace(overridden)) return overridden;
            return Path.Combine(UserConfigDirectory, "BuzzKeyMgmt", "environments.json");
        }
    }

    private static string UserConfigDirectory
    {
        get
        {
            if (OperatingSystem.IsWindows()) return Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
            var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            return !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        }
    }
}

namespace Orleans.Barrier.Tests;

/// <summary>Finds the built silo and client apps next to this test assembly, in the same configuration.</summary>
internal static class AppPaths
{
    public static string Silo => AppAssembly("Silo", "Orleans.Barrier.Silo.dll");

    public static string Client => AppAssembly("Client", "Orleans.Barrier.Client.dll");

    private static string AppAssembly(string project, string fileName)
    {
        // This assembly runs from tests/EndToEnd.Tests/bin/<Configuration>/<tfm>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Orleans.Barrier.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"Orleans.Barrier.sln not found above {AppContext.BaseDirectory}.");
        }

        var path = Path.Combine(root.FullName, "src", project, "bin", configuration, tfm, fileName);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} first; expected {path}.", path);
    }
}

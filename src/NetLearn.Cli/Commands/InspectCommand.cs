using System.CommandLine;
using NetLearn.ModelFiles;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn inspect</c>: print a model file's verified manifest.</summary>
public static class InspectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("model") { Description = "The model file (.nlm)." };
        var command = new Command("inspect", "Print a model file's manifest (after verifying its integrity).") { model };
        command.SetAction(parse =>
        {
            console.Out.WriteLine(ModelFile.ReadManifest(parse.GetValue(model)!).ToJsonString());
            return ExitCodes.Ok;
        });
        return command;
    }
}

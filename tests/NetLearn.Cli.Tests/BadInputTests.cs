using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary>
/// Every user mistake exits with code 2, says on stderr what is wrong (naming the file, row, column or option and the
/// valid choices), prints no stack trace, and leaves no output file behind.
/// </summary>
public sealed class BadInputTests : IClassFixture<CliFixture>, IDisposable
{
    private readonly CliFixture _files;
    private readonly TempDir _dir = new();

    public BadInputTests(CliFixture files)
    {
        _files = files;
    }

    private string Out => _dir.File("out.nlm");

    private string PredictionsOut => _dir.File("predictions.csv");

    public void Dispose() => _dir.Dispose();

    private async Task<CliResult> TrainAsync(string data, string target, string model, params string[] extra)
    {
        var result = await CliRunner.RunAsync(["train", "--data", data, "--target", target, "--model", model, "--out", Out, .. extra]);
        Expect.NoFile(Out);
        return result;
    }

    private Task<CliResult> TrainIrisAsync(params string[] extra) => TrainAsync(_files.IrisCsv, "target", "logistic-regression", extra);

    private async Task<CliResult> PredictAsync(string model, string data)
    {
        var result = await CliRunner.RunAsync("predict", "--model", model, "--data", data, "--out", PredictionsOut);
        Expect.NoFile(PredictionsOut);
        return result;
    }

    [Fact]
    public async Task Missing_data_file()
    {
        var result = await TrainAsync(_dir.File("nope.csv"), "target", "logistic-regression");
        Expect.BadInput(result, "nope.csv", "does not exist");
    }

    [Fact]
    public async Task Empty_data_file()
    {
        var result = await TrainAsync(_dir.Write("empty.csv", ""), "target", "logistic-regression");
        Expect.BadInput(result, "empty.csv", "empty");
    }

    [Fact]
    public async Task Unknown_target_column_lists_the_available_columns()
    {
        var result = await TrainAsync(_files.IrisCsv, "species", "logistic-regression");
        Expect.BadInput(result, ["species", .. CliFixture.IrisFeatures, "target"]);
    }

    [Fact]
    public async Task Unknown_model_lists_the_models()
    {
        var result = await TrainAsync(_files.IrisCsv, "target", "random-forest");
        Expect.BadInput(result, "random-forest", "linear-regression", "logistic-regression");
    }

    [Fact]
    public async Task Set_without_an_equals_sign()
    {
        var result = await TrainIrisAsync("--set", "C");
        Expect.BadInput(result, "'C'", "key=value", "max_iter");
    }

    [Fact]
    public async Task Set_of_an_unknown_hyperparameter_lists_the_valid_names()
    {
        var result = await TrainIrisAsync("--set", "unknown_param=1");
        Expect.BadInput(result, "unknown_param", "C", "max_iter", "tol", "fit_intercept");
    }

    [Fact]
    public async Task Set_of_an_out_of_range_value()
    {
        var result = await TrainIrisAsync("--set", "C=-1");
        Expect.BadInput(result, "'C'", "positive");
    }

    [Fact]
    public async Task Set_of_a_value_of_the_wrong_type()
    {
        var result = await TrainIrisAsync("--set", "max_iter=lots");
        Expect.BadInput(result, "max_iter", "lots");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1")]
    [InlineData("-0.1")]
    public async Task Test_size_outside_0_to_1(string testSize)
    {
        var result = await TrainIrisAsync("--test-size", testSize);
        Expect.BadInput(result, "--test-size", testSize);
    }

    [Fact]
    public async Task Ragged_csv_row_is_named()
    {
        string data = _dir.Write("ragged.csv", "a,b,y\n1,2,3\n4,5,6\n7,8\n9,10,11\n");
        var result = await TrainAsync(data, "y", "linear-regression");
        Expect.BadInput(result, "ragged.csv", "data row 3", "2 fields", "header has 3");
    }

    [Fact]
    public async Task Unparseable_csv_quote_is_reported()
    {
        string data = _dir.Write("quote.csv", "a,b,y\n1,2,3\n4,\"5,6\n");
        var result = await TrainAsync(data, "y", "linear-regression");
        Expect.BadInput(result, "quote.csv");
    }

    [Fact]
    public async Task Non_numeric_target_for_linear_regression()
    {
        var result = await TrainAsync(_files.IrisCsv, "target", "linear-regression");
        Expect.BadInput(result, "'target'", "categorical", "classifier");
    }

    [Fact]
    public async Task Target_with_one_class_for_logistic_regression()
    {
        string data = _dir.Write("one.csv", "a,b,y\n1,2,x\n4,5,x\n6,7,x\n8,9,x\n10,11,x\n");
        var result = await TrainAsync(data, "y", "logistic-regression");
        Expect.BadInput(result, "one class", "'x'", "'y'");
    }

    [Fact]
    public async Task No_usable_feature_columns()
    {
        string data = _dir.Write("text.csv", "name,y\nalpha,1\nbeta,2\ngamma,3\ndelta,4\n");
        var result = await TrainAsync(data, "y", "linear-regression");
        Expect.BadInput(result, "No usable feature columns", "'name'");
    }

    [Fact]
    public async Task Drop_of_an_unknown_column()
    {
        var result = await TrainIrisAsync("--drop", "petal_colour");
        Expect.BadInput(result, "petal_colour");
    }

    [Fact]
    public async Task Output_into_a_missing_folder()
    {
        string output = Path.Combine(_dir.Path, "missing", "m.nlm");
        var result = await CliRunner.RunAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--out", output);
        Expect.BadInput(result, "folder does not exist");
        Expect.NoFile(output);
    }

    [Fact]
    public async Task Predict_with_a_truncated_model_file()
    {
        byte[] bytes = await File.ReadAllBytesAsync(_files.IrisModel);
        string model = _dir.File("truncated.nlm");
        await File.WriteAllBytesAsync(model, bytes[..(bytes.Length / 2)]);

        var result = await PredictAsync(model, _files.IrisCsv);
        Expect.BadInput(result, "truncated.nlm");
    }

    [Fact]
    public async Task Predict_with_a_model_file_with_a_flipped_byte_in_the_middle()
    {
        byte[] bytes = await File.ReadAllBytesAsync(_files.IrisModel);
        bytes[bytes.Length / 2] ^= 0x5A;
        string model = _dir.File("flipped.nlm");
        await File.WriteAllBytesAsync(model, bytes);

        var result = await PredictAsync(model, _files.IrisCsv);
        Expect.BadInput(result, "flipped.nlm");
    }

    /// <summary>A flipped byte in the stored data of any entry is caught (by its SHA-256, or because it no longer inflates) by every command that opens the file.</summary>
    [Theory]
    [InlineData("manifest.json")]
    [InlineData("manifest.sha256")]
    [InlineData("model.json")]
    [InlineData("arrays/00000.bin")]
    public async Task A_flipped_byte_in_any_entry_is_refused(string entry)
    {
        byte[] bytes = await File.ReadAllBytesAsync(_files.IrisModel);
        var (start, length) = ZipLayout.EntryData(bytes)[entry];
        bytes[start + (length / 2)] ^= 0x5A;
        string model = _dir.File("flipped.nlm");
        await File.WriteAllBytesAsync(model, bytes);

        Expect.BadInput(await PredictAsync(model, _files.IrisCsv), "flipped.nlm");
        Expect.BadInput(await CliRunner.RunAsync("inspect", model), "flipped.nlm");
        Expect.BadInput(await CliRunner.RunAsync("evaluate", "--model", model, "--data", _files.IrisCsv, "--target", "target"), "flipped.nlm");
        Expect.BadInput(await CliRunner.RunAsync("serve", "--model", model, "--port", "0"), "flipped.nlm");
    }

    [Fact]
    public async Task Predict_with_a_file_that_is_not_a_model()
    {
        var result = await PredictAsync(_files.IrisCsv, _files.IrisCsv);
        Expect.BadInput(result, "iris.csv", "not a NetLearn model file");
    }

    [Fact]
    public async Task Predict_with_a_missing_model_file()
    {
        var result = await PredictAsync(_dir.File("nope.nlm"), _files.IrisCsv);
        Expect.BadInput(result, "nope.nlm", "does not exist");
    }

    [Fact]
    public async Task Predict_on_data_missing_a_required_column_names_it()
    {
        string data = _dir.Write("partial.csv", "sepal_length,sepal_width,petal_width\n5.1,3.5,0.2\n");
        var result = await PredictAsync(_files.IrisModel, data);
        Expect.BadInput(result, "'petal_length'");
    }

    [Fact]
    public async Task Predict_on_text_in_a_numeric_column_names_the_cell()
    {
        string data = _dir.Write("text.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5.0,wide,1.4,0.2\n");
        var result = await PredictAsync(_files.IrisModel, data);
        Expect.BadInput(result, "'wide'", "sepal_width");
    }

    [Fact]
    public async Task Predict_proba_with_a_regressor()
    {
        var result = await CliRunner.RunAsync("predict", "--model", _files.DiabetesModel, "--data", _files.DiabetesCsv, "--out", PredictionsOut, "--proba");
        Expect.BadInput(result, "--proba", "classifier");
        Expect.NoFile(PredictionsOut);
    }

    [Fact]
    public async Task Evaluate_with_an_unknown_target_column()
    {
        var result = await CliRunner.RunAsync("evaluate", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--target", "species");
        Expect.BadInput(result, "species", "sepal_length");
    }

    [Fact]
    public async Task Serve_with_an_invalid_port()
    {
        var result = await CliRunner.RunAsync("serve", "--model", _files.IrisModel, "--port", "70000");
        Expect.BadInput(result, "--port", "70000");
    }

    [Fact]
    public async Task Serve_with_a_missing_model_file()
    {
        var result = await CliRunner.RunAsync("serve", "--model", _dir.File("nope.nlm"), "--port", "0");
        Expect.BadInput(result, "nope.nlm");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("train", "--bogus")]
    [InlineData("datasets", "list", "--wat")]
    [InlineData("train", "--data", "x.csv")]
    [InlineData("train", "--data", "x.csv", "--target", "y", "--model", "m", "--out", "o.nlm", "--seed", "abc")]
    [InlineData("datasets")]
    public async Task Unknown_command_or_option_or_missing_required_option(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);
        Expect.BadInput(result, "--help");
        Expect.NoFile(Path.Combine(Environment.CurrentDirectory, "o.nlm"));
    }
}

using NetLearn.Core.Tests.Svm;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Linear;
using NetLearn.ModelFiles;
using Xunit;

namespace NetLearn.Core.Tests.Linear;

/// <summary>
/// LogisticRegression with penalty l1/elasticnet (solvers saga and liblinear, and liblinear's l2) against scikit-learn
/// 1.2 run to its optimum (saga at tol 1e-12, liblinear at 1e-10; fixture linear/logistic_l1.json): coefficients at
/// 1e-6 relative, and NetLearn's objective no larger than scikit-learn's.
/// </summary>
public class LogisticPenaltyReferenceTests
{
    public static TheoryData<string> Cases =>
    [
        "breast_cancer_saga_l1_C0.1", "breast_cancer_saga_elasticnet_C0.5", "breast_cancer_liblinear_l1_C0.2",
        "breast_cancer_liblinear_l2_C1.0", "iris_saga_elasticnet_C1.0", "iris_liblinear_l1_C1.0", "wine_saga_l1_C0.5",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesScikitLearnOptimum(string name)
    {
        var c = PenalizedRegressionReferenceTests.Case("logistic_l1.json", name);
        var (x, y) = KernelSvmReferenceTests.Standardized(c.GetProperty("dataset").GetString()!);
        var options = Options(c.GetProperty("solver").GetString()!, c.GetProperty("penalty").GetString()!, c.GetProperty("C").GetDouble(),
            c.GetProperty("l1_ratio").ValueKind == System.Text.Json.JsonValueKind.Null ? null : c.GetProperty("l1_ratio").GetDouble(),
            c.GetProperty("class_weight").ValueKind == System.Text.Json.JsonValueKind.Null ? null : ClassWeight.Balanced);
        var model = new LogisticRegression(options).Fit(x, y);

        Assert.True(model.Converged, $"not converged after {model.Iterations} iterations");
        Assert.Equal(c.GetProperty("classes").Strings(), Enumerable.Range(0, model.Classes.Length).Select(model.Classes.FormatValue));
        var expected = c.GetProperty("coef").Rows();
        double scale = expected.SelectMany(r => r).Max(Math.Abs);
        Fixture.Close(expected, model.Coefficients, rel: 1e-6, abs: 1e-6 * scale, what: "coef");
        Fixture.Close(c.GetProperty("intercept").Doubles(), [.. model.Intercept], rel: 1e-6, abs: 1e-6 * scale, what: "intercept");
        Assert.Equal(c.GetProperty("nonzero").GetInt32(), model.Coefficients.AsSpan().ToArray().Count(v => v != 0));

        double ours = Objective(model, x.ToMatrix(), y, options);
        double theirs = c.GetProperty("objective").GetDouble();
        Assert.True(ours <= theirs * (1 + 1e-12), $"objective {ours:R} > scikit-learn's {theirs:R}");

        Fixture.Close(c.GetProperty("proba").Rows(), model.PredictProba(x), rel: 1e-6, abs: 1e-7, what: "proba");
        Assert.Equal(c.GetProperty("predictions").Strings(), Enumerable.Range(0, y.Length).Select(model.Predict(x).FormatValue));
    }

    [Fact]
    public void L1ZeroesCoefficientsAndSavesAndLoads()
    {
        var (x, y) = KernelSvmReferenceTests.Standardized("breast_cancer");
        var model = new LogisticRegression(new LogisticRegressionOptions { Penalty = Penalty.L1, C = 0.05 }).Fit(x, y);
        var coef = model.Coefficients.AsSpan().ToArray();
        Assert.Contains(coef, v => v == 0);
        Assert.Contains(coef, v => v != 0);

        string path = Path.Combine(Path.GetTempPath(), $"netlearn-logistic-l1-{Guid.NewGuid():N}.nlm");
        try
        {
            ModelFile.Save(path, model);
            var loaded = Assert.IsType<LogisticRegressionModel>(ModelFile.Load(path));
            Assert.Equal(model.Options, loaded.Options);
            Assert.Equal(coef, loaded.Coefficients.AsSpan().ToArray());
            Assert.Equal(model.PredictProba(x).AsSpan().ToArray(), loaded.PredictProba(x).AsSpan().ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StrongerL1GivesFewerFeatures()
    {
        var (x, y) = KernelSvmReferenceTests.Standardized("wine");
        int NonZero(double c) => new LogisticRegression(new LogisticRegressionOptions { Penalty = Penalty.L1, C = c }).Fit(x, y).Coefficients.AsSpan().ToArray().Count(v => v != 0);
        Assert.True(NonZero(0.01) < NonZero(0.1));
        Assert.True(NonZero(0.1) < NonZero(10));
    }

    [Theory]
    [InlineData(Penalty.L1, LogisticSolver.Lbfgs, null, "penalty", "Solver lbfgs supports only 'l2' or 'none' penalties, got l1 penalty")]
    [InlineData(Penalty.Elasticnet, LogisticSolver.Liblinear, 0.5, "solver", "Only 'saga' solver supports elasticnet penalty, got solver=liblinear")]
    [InlineData(Penalty.None, LogisticSolver.Liblinear, null, "penalty", "penalty='none' is not supported for the liblinear solver")]
    [InlineData(Penalty.Elasticnet, null, null, "l1_ratio", "l1_ratio must be between 0 and 1; got (l1_ratio=None)")]
    [InlineData(Penalty.Elasticnet, LogisticSolver.Saga, 1.5, "l1_ratio", "l1_ratio must be between 0 and 1; got (l1_ratio=1.5)")]
    public void InvalidCombinationsAreRefusedAsScikitLearnDoes(Penalty penalty, LogisticSolver? solver, double? l1Ratio, string parameter, string message)
    {
        var (x, y) = KernelSvmReferenceTests.Standardized("iris");
        var options = new LogisticRegressionOptions { Penalty = penalty, Solver = solver, L1Ratio = l1Ratio };
        var error = Assert.Throws<HyperparameterException>(() => new LogisticRegression(options).Fit(x, y));
        Assert.Equal(parameter, error.Parameter);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static LogisticRegressionOptions Options(string solver, string penalty, double c, double? l1Ratio, ClassWeight? classWeight) => new()
    {
        Solver = solver == "saga" ? LogisticSolver.Saga : LogisticSolver.Liblinear,
        Penalty = penalty switch { "l1" => Penalty.L1, "l2" => Penalty.L2, _ => Penalty.Elasticnet },
        C = c,
        L1Ratio = l1Ratio,
        ClassWeight = classWeight,
        Tol = 1e-10,
        MaxIter = 1000,
    };

    // Σ sᵢ·logloss + λ₁‖W‖₁ + λ₂‖W‖²/2 as scikit-learn's solvers define it (liblinear: intercept penalised, one-vs-rest).
    private static double Objective(LogisticRegressionModel model, Matrix x, Column y, LogisticRegressionOptions o)
    {
        double rho = o.Penalty switch { Penalty.L1 => 1.0, Penalty.L2 => 0.0, _ => o.L1Ratio!.Value };
        double l1 = rho / o.C, l2 = (1 - rho) / o.C;
        bool liblinear = o.Solver == LogisticSolver.Liblinear;
        var labels = Enumerable.Range(0, y.Length).Select(y.FormatValue).ToArray();
        var classes = Enumerable.Range(0, model.Classes.Length).Select(model.Classes.FormatValue).ToList();
        double[] weights = o.ClassWeight is null ? [.. labels.Select(_ => 1.0)]
            : [.. labels.Select(l => (double)labels.Length / (classes.Count * labels.Count(v => v == l)))];
        var w = model.Coefficients;
        double loss = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            var z = new double[w.Rows];
            for (int c = 0; c < w.Rows; c++)
            {
                z[c] = model.Intercept[c];
                for (int j = 0; j < x.Columns; j++)
                {
                    z[c] += x[i, j] * w[c, j];
                }
            }

            int label = classes.IndexOf(labels[i]);
            if (w.Rows == 1 || liblinear)
            {
                for (int c = 0; c < w.Rows; c++)
                {
                    double t = (w.Rows == 1 ? label == 1 : label == c) ? 1 : 0;
                    loss += weights[i] * (Math.Max(z[c], 0) + Math.Log(1 + Math.Exp(-Math.Abs(z[c]))) - (t * z[c]));
                }
            }
            else
            {
                double max = z.Max();
                loss += weights[i] * (max + Math.Log(z.Sum(v => Math.Exp(v - max))) - z[label]);
            }
        }

        var penalised = w.AsSpan().ToArray().Concat(liblinear ? model.Intercept : []).ToArray();
        return loss + (l1 * penalised.Sum(Math.Abs)) + (0.5 * l2 * penalised.Sum(v => v * v));
    }
}

using CsCheck;
using NetLearn.LinearAlgebra;
using NetLearn.Svm;
using Xunit;

namespace NetLearn.Core.Tests.Svm;

/// <summary>
/// The batched kernel rows the SMO solver fills its cache with (<see cref="KernelFunction.EvaluateRow"/>, four-row SIMD
/// dot products and one vectorised exp per row) agree with the pairwise kernel for every kernel, any number of features
/// (including fewer than one SIMD register and ragged tails) and any gathered, repeated or unordered set of rows.
/// </summary>
public class KernelRowTests
{
    [Fact]
    public void RowsMatchThePairwiseKernel()
    {
        var problem = Gen.Int[1, 23].SelectMany(d => Gen.Int[1, 40].SelectMany(n =>
            Gen.Select(Gen.Double[-3, 3].Array[n * d], Gen.Int[0, n - 1].Array[0, 50], Gen.Int[0, n - 1], Gen.OneOfConst(KernelType.Linear, KernelType.Poly, KernelType.Rbf, KernelType.Sigmoid), Gen.Double[0.01, 2])
                .Select(t => (d, n, t.Item1, t.Item2, t.Item3, t.Item4, t.Item5))));
        problem.Sample(c =>
        {
            var (d, n, data, rows, a, type, gamma) = c;
            var x = new Matrix(n, d, data);
            double[] norms = KernelFunction.SquaredNorms(x);
            var kernel = new KernelFunction(type, gamma, 0.5, 3);
            var row = new double[rows.Length];
            kernel.EvaluateRow(x.Row(a), norms[a], x, norms, rows, row);
            for (int t = 0; t < rows.Length; t++)
            {
                double expected = kernel.Evaluate(x.Row(a), x.Row(rows[t]), norms[a], norms[rows[t]]);
                Assert.True(Math.Abs(row[t] - expected) <= 1e-12 * Math.Max(1.0, Math.Abs(expected)), $"{type} d={d} entry {t}: {row[t]:R} vs {expected:R}");
            }
        }, iter: 300);
    }
}

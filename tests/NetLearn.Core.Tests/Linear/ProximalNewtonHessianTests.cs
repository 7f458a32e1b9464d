using CsCheck;
using NetLearn.Linear;
using Xunit;

namespace NetLearn.Core.Tests.Linear;

/// <summary>
/// The explicit Hessian the L1/elastic-net logistic solver forms for small problems (binary XᵀΛX; multinomial, the
/// k(k+1)/2 softmax blocks of decision 15 of the linear family) applies to a direction exactly as the O(n) path's
/// implicit form does, at random weights, data and directions.
/// </summary>
public class ProximalNewtonHessianTests
{
    [Fact]
    public void Explicit_Hessian_times_a_direction_equals_the_implicit_product()
    {
        Gen.Select(Gen.Int[40, 120], Gen.Int[1, 6], Gen.Int[1, 5], Gen.Int).Sample((n, q, classes, seed) =>
        {
            var random = new Random(seed);
            int k = classes == 2 ? 1 : classes;
            var columns = new double[n * q];
            for (int i = 0; i < columns.Length; i++)
            {
                columns[i] = (random.NextDouble() * 4) - 2;
            }

            int[] y = [.. Enumerable.Range(0, n).Select(_ => random.Next(classes))];
            double[] weights = [.. Enumerable.Range(0, n).Select(_ => 0.5 + random.NextDouble())];
            double[] w = [.. Enumerable.Range(0, k * q).Select(_ => random.NextDouble() - 0.5)];
            double[] direction = [.. Enumerable.Range(0, k * q).Select(_ => random.NextDouble() - 0.5)];
            var solver = new ProximalNewtonLogistic(new LogisticDesign(columns, n, q, q), y, weights, k, l1: 0.1, l2: 0.0);

            var (explicitProduct, implicitProduct) = solver.HessianTimesForTests(w, direction);
            for (int at = 0; at < k * q; at++)
            {
                Assert.Equal(implicitProduct[at], explicitProduct[at], 1e-9 * (1 + Math.Abs(implicitProduct[at])));
            }

            Assert.Contains(explicitProduct, v => v != 0);
        }, iter: 60);
    }
}

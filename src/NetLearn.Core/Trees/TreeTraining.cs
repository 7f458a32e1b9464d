using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Validation;

namespace NetLearn.Trees;

/// <summary>The data of a tree or forest fit: float features, encoded target and per-row weights.</summary>
internal sealed record TreeTrainingData(FeatureMatrix X, int[]? ClassCodes, ClassLabels? Labels, double[]? Values, double[] Weights)
{
    public int Classes => Labels?.Count ?? 0;

    /// <summary>
    /// Validates and encodes a classification fit; class weights are folded into the row weights, except
    /// balanced_subsample, which a forest applies per bootstrap sample (<paramref name="forest"/>) and a tree rejects.
    /// </summary>
    public static TreeTrainingData Classification(Table features, Column? target, FitContext context, ClassWeight? classWeight, string estimator, bool forest = false)
    {
        Checks.NotEmpty(features, estimator);
        var y = Checks.Target(features, target, estimator);
        var labels = ClassLabels.FromTarget(y);
        int[] codes = labels.Encode(y);
        var x = FeatureMatrix.ColumnMajor(features, estimator);
        double[] weights = Checks.SampleWeight(context.SampleWeight, x.Rows) ?? Ones(x.Rows);
        if (classWeight is not null && !(forest && classWeight.IsBalancedSubsample))
        {
            double[] perClass = classWeight.Compute(labels, codes);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] *= perClass[codes[i]];
            }

            if (weights.Sum() <= 0)
            {
                throw new HyperparameterException("class_weight", "gives every row a zero weight; give some class a positive weight");
            }
        }

        return new TreeTrainingData(x, codes, labels, null, weights);
    }

    /// <summary>Validates a regression fit; Poisson needs non-negative targets with a positive sum.</summary>
    public static TreeTrainingData Regression(Table features, Column? target, FitContext context, SplitCriterion criterion, string estimator)
    {
        Checks.NotEmpty(features, estimator);
        double[] y = Checks.RegressionTarget(features, target, estimator);
        if (criterion == SplitCriterion.Poisson)
        {
            for (int i = 0; i < y.Length; i++)
            {
                if (y[i] < 0)
                {
                    throw new DataValidationException("The Poisson criterion needs non-negative targets (counts or rates). Use squared_error, or fix the row", column: target!.Name, row: i);
                }
            }

            if (y.Sum() <= 0)
            {
                throw new DataValidationException("The Poisson criterion needs a target with a positive sum", column: target!.Name);
            }
        }

        var x = FeatureMatrix.ColumnMajor(features, estimator);
        double[] weights = Checks.SampleWeight(context.SampleWeight, x.Rows) ?? Ones(x.Rows);
        return new TreeTrainingData(x, null, null, y, weights);
    }

    public TreeBuilder Builder(TreeSettings settings, FeatureBins? bins = null, FeatureRanks? ranks = null) => new(X.Values, X.Rows, X.Columns, ClassCodes, Classes, Values, settings, bins, ranks);

    private static double[] Ones(int n)
    {
        var ones = new double[n];
        Array.Fill(ones, 1.0);
        return ones;
    }
}

using NetLearn.Estimators;

namespace NetLearn.Cli;

/// <summary>Applies the <c>--set key=value</c> options of a command to an estimator.</summary>
internal static class HyperparameterSettings
{
    /// <summary>
    /// Applies every setting to <paramref name="estimator"/>. Options are validated as a whole after each change, so a
    /// setting that is only valid together with a later one (<c>penalty=elasticnet</c> before <c>l1_ratio=0.5</c>) is
    /// retried after the others: the order of <c>--set</c> options does not matter. A setting that stays invalid
    /// raises its own <see cref="HyperparameterException"/>.
    /// </summary>
    public static IEstimator Apply(IEstimator estimator, string modelName, IEnumerable<string> settings)
    {
        var pending = new List<(string Key, string Value)>();
        foreach (string setting in settings)
        {
            int eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"--set '{setting}' is not key=value (for example --set C=0.5). Hyperparameters of {modelName}: {string.Join(", ", estimator.Options.ParameterNames)}");
            }

            pending.Add((setting[..eq].Trim(), setting[(eq + 1)..]));
        }

        while (pending.Count > 0)
        {
            var deferred = new List<(string Key, string Value)>();
            HyperparameterException? firstError = null;
            foreach (var (key, value) in pending)
            {
                try
                {
                    estimator = estimator.WithParameter(key, value);
                }
                catch (HyperparameterException e)
                {
                    firstError ??= e;
                    deferred.Add((key, value));
                }
            }

            if (deferred.Count == pending.Count)
            {
                throw firstError!;
            }

            pending = deferred;
        }

        return estimator;
    }
}

namespace NetLearn.Serving.Tests;

public sealed class ConfigTests
{
    private static string Write(string json)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("netlearn-config-").FullName, "server.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Absent_keys_keep_their_defaults_and_comments_are_allowed()
    {
        var config = ServerConfig.Load(Write("{ // per-model settings\n \"models\": {\"iris\": {\"max_batch_size\": 8}}, \"auth\": {\"rate_limit_per_second\": 3}}"));
        Assert.Equal(16 * 1024 * 1024, config.MaxRequestBytes);
        Assert.Equal(2, config.PollIntervalSeconds);
        Assert.True(config.StrictReadiness);
        Assert.Equal(8, config.For("iris").MaxBatchSize);
        Assert.Equal(2, config.For("iris").MaxQueueDelayMs);
        Assert.Equal("latest", config.For("iris").VersionPolicy);
        Assert.Equal("latest", config.For("other").VersionPolicy);
        Assert.Equal(3, config.Auth!.RateLimitPerSecond);
        Assert.Empty(config.CorsOrigins);
        Assert.Equal("text", config.LogFormat);
        Assert.Null(config.Tracing);
    }

    [Theory]
    [InlineData("{\"max_request_byte\": 10}", "max_request_byte")]
    [InlineData("{\"models\": {\"iris\": {\"version_policy\": \"newest\"}}}", "version_policy")]
    [InlineData("{\"models\": {\"iris\": {\"traffic_split\": {\"one\": 1}}}}", "traffic_split")]
    [InlineData("{\"auth\": {\"api_keys\": [{\"name\": \"a\", \"hash\": \"plain-text\"}]}}", "hash")]
    [InlineData("{\"auth\": {\"api_keys\": [{\"name\": \"a\", \"hash\": \"sha256:0000000000000000000000000000000000000000000000000000000000000000\", \"permissions\": [\"read:*\"]}]}}", "read:*")]
    [InlineData("{\"max_request_bytes\": 10}", "max_request_bytes")]
    [InlineData("not json", "not valid")]
    [InlineData("{\"log_format\": \"xml\"}", "log_format")]
    public void Bad_configuration_is_refused_naming_the_setting(string json, string mention)
    {
        var e = Assert.ThrowsAny<NetLearnException>(() => ServerConfig.Load(Write(json)));
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }
}

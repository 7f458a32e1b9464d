# NetLearn model server: netlearn serve --model-repository /models
#   docker build -t netlearn-serve .
#   docker run -p 8080:8080 -p 8081:8081 -v "$PWD/models:/models:ro" netlearn-serve
# Stage 1 builds and publishes the CLI with the SDK; stage 2 runs it on the ASP.NET Core runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/NetLearn.Cli/NetLearn.Cli.csproj -c Release -r linux-x64 --self-contained false -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl for the health check only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# The image's unprivileged 'app' user (uid 1654); models are mounted read-only at /models.
USER 1654:1654
# TC_CallCountingDelayMs=0: hot request-path methods reach optimised code at once under steady load (docs/decisions.md 7.18).
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_gcServer=1 \
    DOTNET_TC_CallCountingDelayMs=0
EXPOSE 8080 8081
VOLUME ["/models"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/v2/health/live || exit 1
ENTRYPOINT ["dotnet", "/app/netlearn.dll", "serve", "--model-repository", "/models", "--host", "0.0.0.0", "--port", "8080", "--grpc-port", "8081"]

# Nextstep in a container: a static binary (templates, static files and migrations are embedded) on distroless.
#   docker build --build-arg VERSION=$(git describe --always --dirty) -t nextstep .
# docker-compose.yml runs it with PostgreSQL and Mailpit; README "Deploying" says what it needs.

# ---- build ----
FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first: this layer is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# CGO_ENABLED=0: a static binary with no libc, which distroless/static needs (TestStaticBinaryStartsFromAnEmptyDirectory
# builds it the same way and starts it from an empty directory). The generated *_templ.go files are committed.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/nextstep ./cmd/nextstep

# ---- run ----
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/nextstep /nextstep
USER nonroot:nonroot
# Production refuses to start without DATABASE_URL, NEXTSTEP_SESSION_SECRET, NEXTSTEP_DATA_KEY, NEXTSTEP_SMTP_URL
# and NEXTSTEP_MAIL_FROM (README: Configuration), rather than run half-configured.
ENV NEXTSTEP_ENV=production \
    NEXTSTEP_ADDR=:8080 \
    NEXTSTEP_LOG_FORMAT=json
# The portal. Metrics are off until NEXTSTEP_METRICS_ADDR is set (e.g. :9100); publish that port only to your
# monitoring network, never to the public.
EXPOSE 8080
# No shell or curl in the image: the binary asks its own /healthz (liveness; orchestrators should use /readyz,
# which also checks the database and the job queue, for readiness).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/nextstep", "healthcheck"]
ENTRYPOINT ["/nextstep"]
CMD ["serve"]

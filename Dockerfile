# Build: docker build -t baocao .   Run: docker run -e DATABASE_URL=… -e SECRET_KEY=… -e BASE_URL=https://… -p 8080:8080 baocao
# Backups: docker build --target backup -t baocao-backup .   (the same binary with PostgreSQL 15's pg_dump and pg_restore)
#          docker run --rm -e DATABASE_URL=… -e BACKUP_KEY=… -v /var/backups/baocao:/backups baocao-backup \
#            backup -out /backups/$(date +%F).dump.age
# .dockerignore keeps var/ (the local cluster, demo keys), bin/ and secrets out of the build context.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/baocao ./cmd/baocao

# The backup job: distroless has no pg_dump, so backups and restores run from
# this image (Debian 12's PostgreSQL client is version 15, the server's).
FROM debian:bookworm-slim AS backup
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-15 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH
COPY --from=build /out/baocao /usr/local/bin/baocao
USER nobody
WORKDIR /backups
ENTRYPOINT ["baocao"]

# The server (the default target).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/baocao /baocao
ENV LISTEN_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/baocao"]
CMD ["serve"]

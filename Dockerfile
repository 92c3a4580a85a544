# Build: docker build -t baocao .   Run: docker run -e DATABASE_URL=… -e SECRET_KEY=… -e BASE_URL=https://… -p 8080:8080 baocao
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/baocao ./cmd/baocao

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/baocao /baocao
ENV LISTEN_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/baocao"]
CMD ["serve"]

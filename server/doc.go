// Package server is Interpost's HTTP face: the /v1 JSON API (documented by
// the OpenAPI 3.1 document it serves at /v1/openapi.json), authentication by
// API key, RFC 9457 problem details, health and Prometheus metrics. It turns
// HTTP into calls on the domain packages and their errors back into HTTP.
package server

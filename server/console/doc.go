// Package console is Interpost's operator console: server-rendered HTML
// pages under /console, from templates and static assets embedded in the
// binary (no CDN; it works offline). The server mounts it on the API's mux
// as plain routes, not /v1 operations, so it stays out of the OpenAPI
// document. Signing in takes an API key; what a page shows follows the
// key's role and scope, through the same domain services as the API.
package console

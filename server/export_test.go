package server_test

// routes lists the /v1 routes the server registered.
func (e *env) routes() []string { return e.handler.Routes() }

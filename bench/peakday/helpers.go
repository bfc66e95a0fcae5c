package main

import (
	"bytes"
	"io"

	"github.com/interpost/interpost/auth"
)

func demoAdmin() auth.Principal { return auth.Principal{KeyID: "bench", Role: auth.RoleAdmin} }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

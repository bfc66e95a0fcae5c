//go:build !linux

package main

import "time"

func fsType(string) string { return "file system not checked" }

func settle() { time.Sleep(200 * time.Millisecond) }

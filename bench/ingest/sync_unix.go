//go:build unix

package main

import "syscall"

// flush writes dirty pages to disk (untimed) so one phase's writeback does
// not slow the next one's fsyncs.
func flush() { syscall.Sync() }

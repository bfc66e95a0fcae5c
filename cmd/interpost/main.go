// Command interpost is the whole of Interpost in one binary: the server, the
// CLI for every operation and the demo. Run `interpost --help`.
package main

import (
	"os"

	_ "time/tzdata" // office time zones work without system zone files

	"github.com/interpost/interpost/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }

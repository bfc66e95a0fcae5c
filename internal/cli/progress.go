package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress returns a callback that shows done/all: a bar on a terminal,
// else a line every 10 % (and at the end) so logs and CI show progress too.
func progress(w io.Writer, what string) func(done, all int) {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		var bar *progressbar.ProgressBar
		return func(done, all int) {
			if bar == nil {
				bar = progressbar.NewOptions(all, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
					progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetWidth(30),
					progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
			}
			_ = bar.Set(done)
		}
	}
	last := -1
	return func(done, all int) {
		if all == 0 {
			return
		}
		if tenth := done * 10 / all; tenth != last || done == all {
			if tenth == last && done != all {
				return
			}
			last = tenth
			fmt.Fprintf(w, "%s: %d/%d (%d%%)\n", what, done, all, done*100/all)
		}
	}
}

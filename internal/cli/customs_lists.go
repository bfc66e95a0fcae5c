package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/internal/app"
)

func customsListsCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "lists", Short: "official watch lists (OFAC SDN, UN consolidated list): import, show"}
	var format string
	imp := &cobra.Command{
		Use:   "import --format ofac-sdn DIR | --format un-xml FILE",
		Short: "import an official list as published and put it in force on every node; prints what changed",
		Long: "Imports the OFAC SDN list (a directory with sdn.csv and, optionally, alt.csv and add.csv, as the US Treasury\n" +
			"publishes them) or the UN Security Council consolidated list (its XML file). A file in the wrong format, a\n" +
			"truncated file or a bad row is refused with its line and what is wrong; the list in force stays as it was.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := readList(format, args[0])
			if err != nil {
				return fmt.Errorf("%s: %w; the list in force is unchanged", args[0], err)
			}
			return o.withCustoms(cmd.Context(), func(svc *customs.Service, _ *app.App) error {
				rep, err := svc.ImportList(cmd.Context(), l)
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(rep)
				}
				printListImport(o.out, rep)
				return nil
			})
		},
	}
	imp.Flags().StringVar(&format, "format", "", "ofac-sdn (a directory of the CSV files) or un-xml (the XML file)")
	show := &cobra.Command{
		Use: "show", Short: "list the official watch lists in force", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withCustoms(cmd.Context(), func(svc *customs.Service, _ *app.App) error {
				recs, err := svc.Lists.WatchListsInForce(cmd.Context())
				if err != nil {
					return err
				}
				if o.JSON {
					out := make([]map[string]any, len(recs))
					for i, r := range recs {
						out[i] = map[string]any{"ref": r.List.Ref(), "format": r.List.Format, "published": r.List.Published, "entries": len(r.List.Entries), "imported_at": r.ImportedAt}
					}
					return json.NewEncoder(o.out).Encode(out)
				}
				tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "LIST\tVERSION\tFORMAT\tPUBLISHED\tENTRIES\tIMPORTED")
				for _, r := range recs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", r.List.Name, r.List.Version, r.List.Format, r.List.Published, len(r.List.Entries), r.ImportedAt.UTC().Format("2006-01-02 15:04Z"))
				}
				return tw.Flush()
			})
		},
	}
	cmd.AddCommand(imp, show)
	return cmd
}

// readList parses an official list from path in format.
func readList(format, path string) (*risk.WatchList, error) {
	switch format {
	case "ofac-sdn":
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("--format ofac-sdn reads a directory holding sdn.csv, alt.csv and add.csv, not a file")
		}
		var f risk.OFACFiles
		for name, dst := range map[string]*io.Reader{"sdn.csv": &f.SDN, "alt.csv": &f.Alt, "add.csv": &f.Add} {
			fh, err := os.Open(filepath.Join(path, name))
			if os.IsNotExist(err) && name != "sdn.csv" {
				continue
			}
			if err != nil {
				return nil, err
			}
			defer fh.Close()
			*dst = fh
		}
		return risk.ParseOFAC(f)
	case "un-xml":
		fh, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		return risk.ParseUNXML(fh)
	case "":
		return nil, fmt.Errorf("--format is required: ofac-sdn or un-xml")
	}
	return nil, fmt.Errorf("--format %q: want ofac-sdn or un-xml", format)
}

func printListImport(w io.Writer, rep customs.ListImport) {
	switch {
	case rep.Unchanged:
		fmt.Fprintf(w, "%s: %d entries, %d aliases — already in force, nothing changed\n", rep.Ref, rep.Entries, rep.Aliases)
	case rep.Previous != "":
		fmt.Fprintf(w, "%s in force (was %s): %d entries, %d aliases; %d added, %d removed, %d changed\n", rep.Ref, rep.Previous,
			rep.Entries, rep.Aliases, len(rep.Diff.Added), len(rep.Diff.Removed), len(rep.Diff.Changed))
	default:
		fmt.Fprintf(w, "%s in force: %d entries, %d aliases (first import)\n", rep.Ref, rep.Entries, rep.Aliases)
	}
	if rep.Previous != "" && !rep.Unchanged {
		for _, d := range []struct {
			sign string
			ids  []string
		}{{"+", rep.Diff.Added}, {"-", rep.Diff.Removed}, {"~", rep.Diff.Changed}} {
			for i, s := range d.ids {
				if i == 20 {
					fmt.Fprintf(w, "  %s … and %d more\n", d.sign, len(d.ids)-20)
					break
				}
				fmt.Fprintf(w, "  %s %s\n", d.sign, s)
			}
		}
	}
	for _, x := range rep.Warnings {
		fmt.Fprintln(w, "  warning: "+strings.TrimSpace(x))
	}
}

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
)

// ediProfiles loads the profile files of --edi-profiles.
func (o *Options) ediProfiles() ([]*edi.Profile, error) {
	if o.EDIProfiles == "" {
		return nil, nil
	}
	files, err := filepath.Glob(filepath.Join(o.EDIProfiles, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []*edi.Profile
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		p, err := edi.LoadProfile(b)
		if err != nil {
			return nil, postal.Invalid("bad exchange profile", postal.FieldError{Field: f, Message: err.Error()})
		}
		out = append(out, p)
	}
	return out, nil
}

func inwardCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inward",
		Short: "the destination side: partners' pre-advice (PREDES, CARDIT) of dispatches to our offices",
		Long: `Take partner posts' dispatch pre-advice (PREDES) and carriers' consignment messages (CARDIT), as
JSON or EDIFACT text in the sender's exchange profile (--edi-profiles; ours otherwise), acting as an
administrator on --data/--db. Accepted messages make dispatches, receptacles and items expected at
our offices of exchange and print our receipt confirmation (RESDES). Formats: docs/formats.md.`,
	}
	cmd.AddCommand(inwardAcceptCmd(o, "predes"), inwardAcceptCmd(o, "cardit"), inwardListCmd(o))
	return cmd
}

func inwardAcceptCmd(o *Options, kind string) *cobra.Command {
	var reply string
	what := map[string]string{"predes": "a dispatch pre-advice (PREDES)", "cardit": "a consignment message (CARDIT)"}[kind]
	cmd := &cobra.Command{
		Use:   kind + " FILE [--reply FILE]",
		Short: "accept " + what + " from a file (JSON or EDIFACT text)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			return o.withApp(cmd.Context(), false, func(a *app.App) error {
				var res inward.Result
				if kind == "predes" {
					p, err := edi.DecodePredesWith(a.Inward.Profiles, data)
					if err != nil {
						return err
					}
					if res, err = a.Inward.AcceptPredes(cmd.Context(), cliAdmin, p); err != nil {
						return err
					}
				} else {
					c, err := edi.DecodeCarditWith(a.Inward.Profiles, data)
					if err != nil {
						return err
					}
					if res, err = a.Inward.AcceptCardit(cmd.Context(), cliAdmin, c); err != nil {
						return err
					}
				}
				if reply != "" {
					if err := os.WriteFile(reply, res.Reply.Text, 0o644); err != nil {
						return err
					}
				}
				out := struct {
					inward.Result
					ReplyText string
				}{res, string(res.Reply.Text)}
				out.Reply.Text = nil
				return o.print(out, func() {
					state := "accepted"
					if res.Repeated {
						state = "already accepted (nothing new stored)"
					}
					fmt.Fprintf(o.out, "%s %s from %s %s: %d dispatch(es) %v, %d receptacles, %d items expected\n", res.Kind, res.Ref, res.Partner, state,
						len(res.Dispatches), res.Dispatches, res.Receptacles, res.Items)
					if reply == "" {
						fmt.Fprintf(o.out, "answer %s %s to %s:\n%s", res.Reply.Kind, res.Reply.Ref, res.Reply.Recipient, res.Reply.Text)
					} else {
						fmt.Fprintf(o.out, "answer %s %s to %s written to %s\n", res.Reply.Kind, res.Reply.Ref, res.Reply.Recipient, reply)
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&reply, "reply", "", "write the RESDES answer to this file instead of printing it")
	return cmd
}

func inwardListCmd(o *Options) *cobra.Command {
	var f inward.DispatchFilter
	var status string
	cmd := &cobra.Command{
		Use:   "list [--status expected|received] [--office CODE] [--partner JPPOST]",
		Short: "list dispatches pre-advised to our offices, by expected arrival",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.Status = inward.Status(status)
			return o.withApp(cmd.Context(), false, func(a *app.App) error {
				ds, err := a.Inward.Dispatches(cmd.Context(), cliAdmin, f)
				if err != nil {
					return err
				}
				return o.print(ds, func() {
					w := tabwriter.NewWriter(o.out, 0, 2, 2, ' ', 0)
					fmt.Fprintln(w, "DISPATCH\tFROM\tTO\tSTATUS\tRECEPTACLES\tKG\tITEMS\tARRIVAL\tPREDES\tCONSIGNMENT")
					for _, d := range ds {
						arr := "-"
						if !d.Arrival.IsZero() {
							arr = d.Arrival.Format("2006-01-02 15:04Z")
						}
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%.1f\t%d\t%s\t%s\t%s\n", d.ID, d.Origin, d.Destination, d.Status, d.Receptacles,
							float64(d.GrossWeightG)/1000, d.Items, arr, dash(d.PreAdvice), dash(d.Consignment))
					}
					w.Flush()
				})
			})
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "expected or received")
	cmd.Flags().StringVar(&f.Destination, "office", "", "our office of exchange")
	cmd.Flags().StringVar(&f.Partner, "partner", "", "origin post, e.g. JPPOST")
	cmd.Flags().IntVar(&f.Limit, "limit", 100, "at most this many")
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

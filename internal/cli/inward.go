package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/document"
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
	cmd.AddCommand(inwardAcceptCmd(o, "predes"), inwardAcceptCmd(o, "cardit"), inwardListCmd(o), inwardReceiveCmd(o), inwardCN43Cmd(o))
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

func inwardReceiveCmd(o *Options) *cobra.Command {
	var pdf string
	cmd := &cobra.Command{
		Use:   "receive DISPATCH FILE [--cn43 OUT.pdf]",
		Short: "receive a dispatch from a scans file (CSV) at our inward office, verify it and close it",
		Long: `Apply a consignment's scans (CSV: scan,id,receptacle,weight_g,flags,condition; docs/formats.md
"Inward scans CSV") to DISPATCH in order, then close it: prints each discrepancy, the CN 43 number and
the RESDES sent to the origin office; --cn43 writes the verification note as PDF. Scans are
idempotent: a file that failed half-way may be given again whole.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			scans, err := inward.ParseScans(f)
			if err != nil {
				return err
			}
			return o.withApp(cmd.Context(), false, func(a *app.App) error {
				res, err := a.Inward.ApplyScans(cmd.Context(), cliAdmin, args[0], scans)
				if err != nil {
					return err
				}
				if err := o.printNote(res.Note); err != nil {
					return err
				}
				return writeCN43(cmd.Context(), a, args[0], pdf)
			})
		},
	}
	cmd.Flags().StringVar(&pdf, "cn43", "", "write the CN 43 (when there are discrepancies) to this PDF file")
	return cmd
}

func inwardCN43Cmd(o *Options) *cobra.Command {
	var pdf string
	cmd := &cobra.Command{
		Use:   "cn43 DISPATCH [--pdf OUT.pdf]",
		Short: "show a closed dispatch's verification (CN 43) and RESDES",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withApp(cmd.Context(), false, func(a *app.App) error {
				n, err := a.Inward.Note(cmd.Context(), cliAdmin, args[0])
				if err != nil {
					return err
				}
				if err := o.printNote(n); err != nil {
					return err
				}
				return writeCN43(cmd.Context(), a, args[0], pdf)
			})
		},
	}
	cmd.Flags().StringVar(&pdf, "pdf", "", "write the CN 43 to this PDF file")
	return cmd
}

func (o *Options) printNote(n inward.Note) error {
	return o.print(n, func() {
		fmt.Fprintf(o.out, "Dispatch %s verified at %s: %d discrepancies; CN 43 %s; RESDES %s to %s.\n", n.Dispatch, n.Office,
			len(n.Discrepancies), n.Number, n.Reply.Ref, n.Reply.Recipient)
		w := tabwriter.NewWriter(o.out, 0, 2, 2, ' ', 0)
		if len(n.Discrepancies) > 0 {
			fmt.Fprintln(w, "KIND\tRECEPTACLE\tITEM\tADVISED\tFOUND")
		}
		for _, d := range n.Discrepancies {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", d.Kind, d.Receptacle, dash(d.Item), dash(d.Advised), d.Found)
		}
		w.Flush()
	})
}

func writeCN43(ctx context.Context, a *app.App, dispatch, path string) error {
	if path == "" {
		return nil
	}
	v, err := a.Inward.VerificationNote(ctx, cliAdmin, dispatch)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := document.WriteVerificationNote(&buf, document.NoteFor(v, nil)); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

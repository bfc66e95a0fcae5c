package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
)

func shipmentsCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "shipments", Short: "create shipments in bulk"}
	cmd.AddCommand(uploadCmd(o))
	return cmd
}

func uploadCmd(o *Options) *cobra.Command {
	var merchant, mode, report string
	cmd := &cobra.Command{
		Use:   "upload FILE",
		Short: "create shipments from a CSV (UTF-8 or GB18030) or XLSX file in the upload template",
		Long: `Reads FILE in the upload template (docs/formats.md, "Shipment uploads"), validates every row as
POST /v1/shipments would and stores the shipments as one job, showing progress. With --mode all
(the default) one invalid row stores nothing; --mode valid stores the valid rows. Every bad cell
is listed by row, column and reason. The same file uploaded again for the same merchant is the
same job; rows whose merchant_ref was stored before are replayed, not created twice.`,
		Example: "  interpost shipments upload demo/shipments-upload.csv --merchant XMTEA",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			return o.withApp(cmd.Context(), false, func(a *app.App) error {
				j, created, err := a.Uploads.Run(cmd.Context(), cliPrincipal, merchant, filepath.Base(args[0]), data, bulk.Mode(mode),
					progress(o.errOut, "uploading "+filepath.Base(args[0])))
				if err != nil && j.ID == "" {
					return err
				}
				rows, rerr := a.Uploads.Results(cmd.Context(), cliPrincipal, j.ID, 0, 1000)
				if rerr != nil {
					return rerr
				}
				if report != "" {
					if err := writeJSONFile(report, struct {
						Job  bulk.Job         `json:"job"`
						Rows []bulk.RowResult `json:"rows"`
					}{j, allRows(cmd, a, j.ID, rows)}); err != nil {
						return err
					}
				}
				if o.JSON {
					if err := json.NewEncoder(o.out).Encode(j); err != nil {
						return err
					}
				} else {
					printUpload(o.out, j, created, rows)
				}
				if err != nil {
					return err
				}
				if j.Status == bulk.StatusRejected {
					return postal.Errorf(postal.CodeInvalid, "nothing stored: %d of %d rows are invalid", j.Errors, j.Rows)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&merchant, "merchant", "", "merchant the shipments are for (required)")
	cmd.Flags().StringVar(&mode, "mode", "all", "all: one invalid row stores nothing; valid: store the valid rows")
	cmd.Flags().StringVar(&report, "report", "", "write the job and every row's result as JSON to this file")
	_ = cmd.MarkFlagRequired("merchant")
	return cmd
}

func allRows(cmd *cobra.Command, a *app.App, id string, first []bulk.RowResult) []bulk.RowResult {
	out := first
	for len(first) == 1000 {
		var err error
		if first, err = a.Uploads.Results(cmd.Context(), cliPrincipal, id, first[len(first)-1].Row, 1000); err != nil {
			break
		}
		out = append(out, first...)
	}
	return out
}

// printUpload prints the job and its invalid rows (at most 50).
func printUpload(w io.Writer, j bulk.Job, created bool, rows []bulk.RowResult) {
	if !created {
		fmt.Fprintf(w, "already uploaded as %s (the same file for %s):\n", j.ID, j.Merchant)
	}
	fmt.Fprintf(w, "upload %s: %s, %d rows: %d created, %d replayed, %d invalid\n", j.ID, j.Status, j.Rows, j.Stored, j.Replayed, j.Errors)
	if j.Message != "" {
		fmt.Fprintln(w, j.Message)
	}
	shown := 0
	for _, r := range rows {
		for _, p := range r.Problems {
			if shown == 50 {
				fmt.Fprintln(w, "  … (all rows: --report FILE)")
				return
			}
			col := p.Column
			if col == "" {
				col = "(row)"
			}
			fmt.Fprintf(w, "  row %d, %s: %s\n", r.Row, col, p.Reason)
			shown++
		}
	}
	if j.Stored+j.Replayed > 0 {
		fmt.Fprintf(w, "labels: GET /v1/shipment-uploads/%s/labels.pdf?layout=roll|a4\n", j.ID)
	}
}

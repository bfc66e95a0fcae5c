package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/warehouse"
)

// cliPrincipal is who the CLI acts as: someone with the database at hand.
var cliPrincipal = auth.Principal{KeyID: "cli", Role: auth.RoleAdmin}

// withWarehouse runs fn with the warehouse service.
func (o *Options) withWarehouse(cmd *cobra.Command, fn func(*warehouse.Service) error) error {
	return o.withApp(cmd.Context(), false, func(a *app.App) error { return fn(a.Warehouse) })
}

// readJSON decodes a JSON file strictly: unknown fields are errors naming the file.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return postal.Invalid(path+" is not valid", postal.FieldError{Field: path, Message: err.Error()})
	}
	return nil
}

func (o *Options) table(header string, rows func(w io.Writer)) error {
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	rows(tw)
	return tw.Flush()
}

func (o *Options) emit(v any, human func() error) error {
	if o.JSON {
		return json.NewEncoder(o.out).Encode(v)
	}
	return human()
}

func warehouseCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "warehouse", Short: "overseas and border warehouses: SKUs, inbound, stock, orders",
		Long: `Overseas and border warehouses (docs/formats.md, "Warehouses"): configure warehouses,
import merchants' SKUs, book and receive inbound consolidated shipments, look at stock and its
ledger, record cycle counts, place and fulfil B2C orders, and get replenishment advice.
The CLI works on --data/--db directly, as an administrator.`}
	cmd.AddCommand(whListCmd(o), whPutCmd(o), whSKUsCmd(o), whInboundCmd(o), whStockCmd(o), whLedgerCmd(o), whVerifyCmd(o),
		whCountCmd(o), whOrderCmd(o), whPickCmd(o), whPackCmd(o), whLabelCmd(o), whReplenishCmd(o))
	return cmd
}

func whListCmd(o *Options) *cobra.Command {
	return &cobra.Command{Use: "list", Short: "list warehouses", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				ws, err := svc.Warehouses(cmd.Context())
				if err != nil {
					return err
				}
				return o.emit(ws, func() error {
					return o.table("CODE\tKIND\tNAME\tCOUNTRY\tSERVES\tZONES", func(w io.Writer) {
						for _, x := range ws {
							var serves, zones []string
							for _, c := range x.Serves {
								serves = append(serves, fmt.Sprintf("%s:%dd", c.Country, c.Days))
							}
							for _, z := range x.Zones {
								zones = append(zones, fmt.Sprintf("%s(%s,%d)", z.Code, z.Kind, z.Bins))
							}
							fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", x.Code, x.Kind, x.Name, x.Country, strings.Join(serves, " "), strings.Join(zones, " "))
						}
					})
				})
			})
		}}
}

func whPutCmd(o *Options) *cobra.Command {
	return &cobra.Command{Use: "put FILE.json", Short: "configure warehouses from a JSON array (docs/formats.md)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ws []warehouse.Warehouse
			if err := readJSON(args[0], &ws); err != nil {
				return err
			}
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				for i, w := range ws {
					if _, err := svc.PutWarehouse(cmd.Context(), cliPrincipal, w); err != nil {
						return fmt.Errorf("%s: warehouse [%d] %s: %w", args[0], i, w.Code, err)
					}
				}
				fmt.Fprintf(o.errOut, "configured %d warehouses\n", len(ws))
				return nil
			})
		}}
}

func whSKUsCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "skus", Short: "import and list merchants' SKUs"}
	var merchant string
	imp := &cobra.Command{Use: "import FILE.csv", Short: "create or update a merchant's SKUs (all or nothing)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			skus, err := warehouse.ReadSKUs(f, merchant, postal.DefaultRates())
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				if _, err := svc.PutSKUs(cmd.Context(), cliPrincipal, merchant, skus); err != nil {
					return err
				}
				fmt.Fprintf(o.errOut, "imported %d SKUs of %s\n", len(skus), merchant)
				return nil
			})
		}}
	list := &cobra.Command{Use: "list", Short: "list a merchant's SKUs (CSV, or JSON with --json)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				skus, err := svc.SKUs(cmd.Context(), cliPrincipal, merchant)
				if err != nil {
					return err
				}
				return o.emit(skus, func() error { return warehouse.WriteSKUs(o.out, skus) })
			})
		}}
	for _, c := range []*cobra.Command{imp, list} {
		c.Flags().StringVar(&merchant, "merchant", "", "merchant code (required)")
		_ = c.MarkFlagRequired("merchant")
	}
	cmd.AddCommand(imp, list)
	return cmd
}

func printInbound(o *Options, in warehouse.Inbound) error {
	return o.emit(in, func() error {
		fmt.Fprintf(o.out, "%s  %s  %s → %s  %s\n", in.ID, in.Merchant, in.Origin, in.Warehouse, in.Status)
		fmt.Fprintf(o.out, "corridor  %s, %.1f days, %s/kg (%s); ETA %s\n", in.Corridor.Mode, in.Corridor.TransitDays, in.Corridor.CostPerKg, in.Corridor.Source, in.ETA.Format(time.DateOnly))
		for _, c := range in.Alternatives {
			fmt.Fprintf(o.out, "  or      %s, %.1f days, %s/kg\n", c.Mode, c.TransitDays, c.CostPerKg)
		}
		if d := in.Declaration; d != nil {
			fmt.Fprintf(o.out, "customs   %s; bulk declaration %d lines, %s %s (%s SDR), %d g", map[bool]string{true: "import: one clearance for the bulk", false: "no border crossed"}[in.CustomsRequired],
				len(d.Lines), d.TotalValue, d.Currency, d.TotalValueSDR, d.TotalNetWeightG)
			if c := in.Clearance; c != nil {
				fmt.Fprintf(o.out, "; %s %s", c.Decision, c.Reference)
			}
			fmt.Fprintln(o.out)
		}
		if r := in.Receipt; r != nil {
			fmt.Fprintf(o.out, "received  %s\n", r.ReceivedAt.Format(time.RFC3339))
			for _, l := range r.Lines {
				fmt.Fprintf(o.out, "  %-20s advised %5d  counted %5d  damaged %3d  bin %s\n", l.SKU, l.Advised, l.Counted, l.Damaged, l.Bin)
			}
			for _, d := range r.Discrepancies {
				fmt.Fprintf(o.out, "  DISCREPANCY %s %s %d\n", d.SKU, d.Kind, d.Quantity)
			}
		}
		return nil
	})
}

func whInboundCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "inbound", Short: "book, clear, receive and list inbound consolidated shipments"}
	book := &cobra.Command{Use: "book FILE.json", Short: "book an inbound shipment (docs/formats.md)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var r warehouse.InboundRequest
			if err := readJSON(args[0], &r); err != nil {
				return err
			}
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				in, err := svc.BookInbound(cmd.Context(), cliPrincipal, r)
				if err != nil {
					return err
				}
				return printInbound(o, in)
			})
		}}
	show := &cobra.Command{Use: "show ID", Short: "show an inbound with its receipt and discrepancies", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				in, err := svc.Inbound(cmd.Context(), cliPrincipal, args[0])
				if err != nil {
					return err
				}
				return printInbound(o, in)
			})
		}}
	var ref, note string
	var hold bool
	clear := &cobra.Command{Use: "clear ID", Short: "record customs' release (or --hold) of an inbound import", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := warehouse.Clearance{Decision: "released", Reference: ref, Note: note}
			if hold {
				c.Decision = "held"
			}
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				in, err := svc.RecordClearance(cmd.Context(), cliPrincipal, args[0], c)
				if err != nil {
					return err
				}
				return printInbound(o, in)
			})
		}}
	clear.Flags().StringVar(&ref, "reference", "", "customs declaration or decision number")
	clear.Flags().StringVar(&note, "note", "", "note")
	clear.Flags().BoolVar(&hold, "hold", false, "record that customs holds the goods")
	receive := &cobra.Command{Use: "receive ID FILE.csv", Short: "record what was counted in (CSV sku,counted,damaged,bin)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			lines, err := readReceiptCSV(args[1])
			if err != nil {
				return err
			}
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				in, err := svc.Receive(cmd.Context(), cliPrincipal, args[0], warehouse.ReceiptRequest{Lines: lines, Note: note})
				if err != nil {
					return err
				}
				return printInbound(o, in)
			})
		}}
	receive.Flags().StringVar(&note, "note", "", "note on the receipt")
	var f warehouse.InboundFilter
	var status string
	list := &cobra.Command{Use: "list", Short: "list inbound shipments", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.Status = warehouse.InboundStatus(status)
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				list, _, err := svc.Inbounds(cmd.Context(), cliPrincipal, f, "")
				if err != nil {
					return err
				}
				return o.emit(list, func() error {
					return o.table("ID\tMERCHANT\tFROM\tTO\tSTATUS\tMODE\tETA\tDISCREPANCIES", func(w io.Writer) {
						for _, in := range list {
							n := 0
							if in.Receipt != nil {
								n = len(in.Receipt.Discrepancies)
							}
							fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", in.ID, in.Merchant, in.Origin, in.Warehouse, in.Status, in.Corridor.Mode, in.ETA.Format(time.DateOnly), n)
						}
					})
				})
			})
		}}
	list.Flags().StringVar(&f.Merchant, "merchant", "", "only this merchant's")
	list.Flags().StringVar(&f.Warehouse, "warehouse", "", "only to this warehouse")
	list.Flags().StringVar(&status, "status", "", "booked, cleared or received")
	list.Flags().IntVar(&f.Limit, "limit", 100, "at most this many")
	cmd.AddCommand(book, show, clear, receive, list)
	return cmd
}

// readCSV reads a CSV file with the given header into records, each with its line number.
func readCSV(path string, header []string) ([][]string, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = len(header)
	head, err := cr.Read()
	if err != nil || strings.Join(head, ",") != strings.Join(header, ",") {
		return nil, nil, postal.Invalid(path+" has the wrong header", postal.FieldError{Field: "line 1", Message: "want " + strings.Join(header, ",")})
	}
	var recs [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return recs, lines, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, nil, postal.Invalid(path+" is not valid CSV", postal.FieldError{Field: fmt.Sprintf("line %d", line), Message: err.Error()})
		}
		recs, lines = append(recs, rec), append(lines, line)
	}
}

func atoiField(fe *postal.FieldList, line int, col, s string) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		fe.Add(fmt.Sprintf("line %d: %s", line, col), "%q is not a whole number", s)
	}
	return n
}

func readReceiptCSV(path string) ([]warehouse.ReceiptLine, error) {
	recs, lines, err := readCSV(path, []string{"sku", "counted", "damaged", "bin"})
	if err != nil {
		return nil, err
	}
	var fe postal.FieldList
	out := make([]warehouse.ReceiptLine, len(recs))
	for i, r := range recs {
		out[i] = warehouse.ReceiptLine{SKU: r[0], Counted: atoiField(&fe, lines[i], "counted", r[1]), Damaged: atoiField(&fe, lines[i], "damaged", r[2]), Bin: r[3]}
	}
	return out, fe.Err(path + " has errors")
}

func whStockCmd(o *Options) *cobra.Command {
	var f warehouse.StockFilter
	cmd := &cobra.Command{Use: "stock", Short: "on hand, reserved and available per warehouse, merchant and SKU", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				rows, err := svc.Stock(cmd.Context(), cliPrincipal, f)
				if err != nil {
					return err
				}
				return o.emit(rows, func() error {
					return o.table("WAREHOUSE\tMERCHANT\tSKU\tBIN\tON HAND\tRESERVED\tAVAILABLE", func(w io.Writer) {
						for _, r := range rows {
							fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", r.Warehouse, r.Merchant, r.SKU, r.Bin, r.OnHand, r.Reserved, r.Available)
						}
					})
				})
			})
		}}
	cmd.Flags().StringVar(&f.Warehouse, "warehouse", "", "only this warehouse")
	cmd.Flags().StringVar(&f.Merchant, "merchant", "", "only this merchant")
	cmd.Flags().StringVar(&f.SKU, "sku", "", "only this SKU")
	return cmd
}

func whLedgerCmd(o *Options) *cobra.Command {
	var f warehouse.MovementFilter
	cmd := &cobra.Command{Use: "ledger", Short: "the stock movement ledger, oldest first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				ms, _, err := svc.Ledger(cmd.Context(), cliPrincipal, f, "")
				if err != nil {
					return err
				}
				return o.emit(ms, func() error {
					return o.table("SEQ\tAT\tWAREHOUSE\tMERCHANT\tSKU\tON HAND Δ\tRESERVED Δ\tREASON\tREF", func(w io.Writer) {
						for _, m := range ms {
							fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%+d\t%+d\t%s\t%s\n", m.Seq, m.At.Format(time.DateTime), m.Warehouse, m.Merchant, m.SKU, m.OnHandDelta, m.ReservedDelta, m.Reason, m.Ref)
						}
					})
				})
			})
		}}
	cmd.Flags().StringVar(&f.Warehouse, "warehouse", "", "only this warehouse")
	cmd.Flags().StringVar(&f.Merchant, "merchant", "", "only this merchant")
	cmd.Flags().StringVar(&f.SKU, "sku", "", "only this SKU")
	cmd.Flags().StringVar(&f.Ref, "ref", "", "only this inbound, order or count")
	cmd.Flags().IntVar(&f.Limit, "limit", 100, "at most this many (1-500)")
	return cmd
}

func whVerifyCmd(o *Options) *cobra.Command {
	return &cobra.Command{Use: "verify", Short: "recompute every stock row from the ledger", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				bad, err := svc.VerifyLedger(cmd.Context(), cliPrincipal)
				if err != nil {
					return err
				}
				if err := o.emit(bad, func() error {
					for _, m := range bad {
						fmt.Fprintf(o.out, "%s %s %s: on hand %d (ledger %d), reserved %d (ledger %d)\n", m.Warehouse, m.Merchant, m.SKU, m.OnHand, m.LedgerOnHand, m.Reserved, m.LedgerReserved)
					}
					return nil
				}); err != nil {
					return err
				}
				if len(bad) > 0 {
					return postal.Errorf(postal.CodeInternal, "%d stock rows differ from their ledger", len(bad))
				}
				fmt.Fprintln(o.errOut, "every stock row equals the sum of its ledger")
				return nil
			})
		}}
}

func whCountCmd(o *Options) *cobra.Command {
	var note string
	cmd := &cobra.Command{Use: "count WAREHOUSE FILE.csv", Short: "record a cycle count (CSV merchant,sku,counted)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			recs, lines, err := readCSV(args[1], []string{"merchant", "sku", "counted"})
			if err != nil {
				return err
			}
			var fe postal.FieldList
			r := warehouse.CountRequest{Note: note}
			for i, rec := range recs {
				r.Lines = append(r.Lines, warehouse.CountLine{Merchant: rec[0], SKU: rec[1], Counted: atoiField(&fe, lines[i], "counted", rec[2])})
			}
			if err := fe.Err(args[1] + " has errors"); err != nil {
				return err
			}
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				c, err := svc.RecordCount(cmd.Context(), cliPrincipal, args[0], r)
				if err != nil {
					return err
				}
				return o.emit(c, func() error {
					return o.table("MERCHANT\tSKU\tBIN\tEXPECTED\tCOUNTED\tADJUSTMENT", func(w io.Writer) {
						for _, l := range c.Lines {
							fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%+d\n", l.Merchant, l.SKU, l.Bin, l.Expected, l.Counted, l.Adjustment)
						}
					})
				})
			})
		}}
	cmd.Flags().StringVar(&note, "note", "", "note on the count")
	return cmd
}

func printOrder(o *Options, ord warehouse.Order) error {
	return o.emit(ord, func() error {
		fmt.Fprintf(o.out, "%s  %s/%s  %s  %s → %s %s\n", ord.ID, ord.Merchant, ord.MerchantOrderID, ord.Status, ord.ServiceLevel, ord.Buyer.City, ord.Buyer.Country)
		for _, p := range ord.Parcels {
			var lines []string
			for _, l := range p.Lines {
				lines = append(lines, fmt.Sprintf("%s×%d", l.SKU, l.Quantity))
			}
			fmt.Fprintf(o.out, "  parcel %d  %s  %s  %d days  %s  %s %s\n", p.No, p.Warehouse, p.Status, p.DeliveryDays, strings.Join(lines, " "), p.PickList, p.ItemID)
		}
		return nil
	})
}

func whOrderCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "order", Short: "place, show, list and cancel B2C orders"}
	var key string
	place := &cobra.Command{Use: "place FILE.json", Short: "place an order (docs/formats.md); --key makes a retry safe", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var r warehouse.OrderRequest
			if err := readJSON(args[0], &r); err != nil {
				return err
			}
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				ord, created, err := svc.PlaceOrder(cmd.Context(), cliPrincipal, r, key)
				if err != nil {
					return err
				}
				if !created {
					fmt.Fprintln(o.errOut, "(replayed: this key already placed the order)")
				}
				return printOrder(o, ord)
			})
		}}
	place.Flags().StringVar(&key, "key", "", "idempotency key")
	show := &cobra.Command{Use: "show ID", Short: "show an order", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				ord, err := svc.Order(cmd.Context(), cliPrincipal, args[0])
				if err != nil {
					return err
				}
				return printOrder(o, ord)
			})
		}}
	cancel := &cobra.Command{Use: "cancel ID", Short: "cancel an order before pick, releasing its stock", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				ord, err := svc.CancelOrder(cmd.Context(), cliPrincipal, args[0])
				if err != nil {
					return err
				}
				return printOrder(o, ord)
			})
		}}
	var f warehouse.OrderFilter
	list := &cobra.Command{Use: "list", Short: "list orders", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				list, _, err := svc.Orders(cmd.Context(), cliPrincipal, f, "")
				if err != nil {
					return err
				}
				return o.emit(list, func() error {
					return o.table("ID\tMERCHANT\tORDER\tSTATUS\tPARCELS\tBUYER\tCREATED", func(w io.Writer) {
						for _, x := range list {
							var ps []string
							for _, p := range x.Parcels {
								ps = append(ps, p.Warehouse+":"+string(p.Status))
							}
							fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, x.Merchant, x.MerchantOrderID, x.Status, strings.Join(ps, " "), x.Buyer.Country, x.CreatedAt.Format(time.DateTime))
						}
					})
				})
			})
		}}
	list.Flags().StringVar(&f.Merchant, "merchant", "", "only this merchant's")
	list.Flags().StringVar(&f.Status, "status", "", "reserved, picking, packed or cancelled")
	list.Flags().IntVar(&f.Limit, "limit", 100, "at most this many (1-500)")
	cmd.AddCommand(place, show, cancel, list)
	return cmd
}

func whPickCmd(o *Options) *cobra.Command {
	var max int
	cmd := &cobra.Command{Use: "pick WAREHOUSE", Short: "make a pick list of reserved parcels, in bin order", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				pl, err := svc.CreatePickList(cmd.Context(), cliPrincipal, args[0], max)
				if err != nil {
					return err
				}
				return o.emit(pl, func() error {
					fmt.Fprintf(o.out, "%s  %s  %d parcels\n", pl.ID, pl.Warehouse, pl.Parcels)
					return o.table("BIN\tMERCHANT\tSKU\tQTY\tORDER\tPARCEL", func(w io.Writer) {
						for _, l := range pl.Lines {
							fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%d\n", l.Bin, l.Merchant, l.SKU, l.Quantity, l.Order, l.Parcel)
						}
					})
				})
			})
		}}
	cmd.Flags().IntVar(&max, "max", 50, "most parcels on the list (1-500)")
	return cmd
}

func whPackCmd(o *Options) *cobra.Command {
	var parcel int
	var r warehouse.PackRequest
	cmd := &cobra.Command{Use: "pack ORDER", Short: "pack a picked parcel into a postal item (S10 id, declaration)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				ord, sh, err := svc.Pack(cmd.Context(), cliPrincipal, args[0], parcel, r)
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(map[string]any{"order": ord, "item": sh})
				}
				fmt.Fprintf(o.out, "%s  %s  %d g  %s %s %s\n", sh.ID, sh.Product, sh.WeightG, sh.Declaration.Form, sh.Declaration.TotalValue, sh.Declaration.Currency)
				return printOrder(o, ord)
			})
		}}
	cmd.Flags().IntVar(&parcel, "parcel", 1, "parcel number within the order")
	cmd.Flags().IntVar(&r.WeightG, "weight-g", 0, "gross weight in grams (default: contents + packaging)")
	return cmd
}

func whLabelCmd(o *Options) *cobra.Command {
	var parcel int
	var out string
	cmd := &cobra.Command{Use: "label ORDER", Short: "write the PDF label of a packed parcel", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				sh, w, err := svc.ParcelItem(cmd.Context(), cliPrincipal, args[0], parcel)
				if err != nil {
					return err
				}
				sh.OriginOffice = w.Code
				var buf bytes.Buffer
				if err := document.WriteLabel(&buf, document.ShipmentLabel(sh, w.Name, w.TZ)); err != nil {
					return err
				}
				if out == "" {
					out = string(sh.ID) + ".pdf"
				}
				if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
					return err
				}
				fmt.Fprintf(o.errOut, "wrote %s (%s)\n", out, sh.ID)
				return nil
			})
		}}
	cmd.Flags().IntVar(&parcel, "parcel", 1, "parcel number within the order")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default ITEMID.pdf)")
	return cmd
}

func whReplenishCmd(o *Options) *cobra.Command {
	var r warehouse.ReplenishRequest
	cmd := &cobra.Command{Use: "replenish", Short: "days of cover and suggested inbound quantities per SKU", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withWarehouse(cmd, func(svc *warehouse.Service) error {
				adv, err := svc.Replenishment(cmd.Context(), cliPrincipal, r)
				if err != nil {
					return err
				}
				return o.emit(adv, func() error {
					return o.table("WAREHOUSE\tMERCHANT\tSKU\tAVAILABLE\tIN TRANSIT\tSOLD\tPER DAY\tCOVER\tCORRIDOR\tREORDER\tSUGGESTED", func(w io.Writer) {
						for _, a := range adv {
							cover := "-"
							if a.DaysOfCover != nil {
								cover = fmt.Sprintf("%.1f d", *a.DaysOfCover)
							}
							fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\t%.2f\t%s\t%s %.0f d\t%v\t%d\n", a.Warehouse, a.Merchant, a.SKU, a.Available, a.InTransit, a.Sold, a.DailyDemand, cover, a.Corridor.Mode, a.Corridor.TransitDays, a.Reorder, a.Suggested)
						}
					})
				})
			})
		}}
	f := cmd.Flags()
	f.StringVar(&r.Merchant, "merchant", "", "only this merchant (default all)")
	f.StringVar(&r.Warehouse, "warehouse", "", "only this warehouse (default all)")
	f.StringVar(&r.Priority, "priority", "cost", "corridor for replenishment: cost or speed")
	f.IntVar(&r.Weeks, "weeks", 8, "demand window in weeks")
	f.Float64Var(&r.SafetyDays, "safety-days", 7, "safety stock in days of demand")
	f.Float64Var(&r.ReviewDays, "review-days", 7, "days between reviews")
	return cmd
}

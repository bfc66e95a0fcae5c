package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
)

func customsCEBCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "ceb", Short: "China Customs cross-border e-commerce (CEB) messages: check, show"}
	cmd.AddCommand(cebCheckCmd(o), cebShowCmd(o), cebWaybillCmd(o), cebMatchCmd(o))
	return cmd
}

// cebFile is one file read for check/show: the CEB message, unwrapped from its DxpMsg if it has one.
type cebFile struct {
	Name     string       `json:"file"`
	Type     string       `json:"type,omitempty"`
	Envelope bool         `json:"dxp,omitempty"`
	Valid    bool         `json:"valid"`
	Problems ceb.Problems `json:"problems,omitempty"`
	msg      *ceb.Message
	ti       ceb.TransInfo
}

func readCEB(name string, unsigned bool) cebFile {
	f := cebFile{Name: name}
	data, err := readLimited(name, ceb.MaxInput)
	if err != nil {
		f.Problems = ceb.Problems{{Path: "/", Reason: err.Error()}}
		return f
	}
	if ceb.IsDxp(data) {
		f.Envelope = true
		ti, body, err := ceb.UnwrapDxp(data)
		f.ti = ti
		if err != nil {
			f.Problems = asProblems(err)
			return f
		}
		data = body
	}
	decode := ceb.Decode
	if unsigned {
		decode = ceb.DecodeUnsigned
	}
	m, err := decode(data)
	f.msg = m
	if m != nil {
		f.Type = m.Type()
	}
	if err != nil {
		f.Problems = asProblems(err)
		return f
	}
	f.Valid = true
	return f
}

func asProblems(err error) ceb.Problems {
	if ps, ok := err.(ceb.Problems); ok {
		return ps
	}
	return ceb.Problems{{Path: "/", Reason: err.Error()}}
}

func readLimited(name string, limit int64) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}

func cebCheckCmd(o *Options) *cobra.Command {
	var unsigned bool
	cmd := &cobra.Command{
		Use:   "check FILE…",
		Short: "check CEB messages (plain or in a DxpMsg envelope) against the 202205 standard",
		Long: `Check each file against the CEB 202205 message standard (docs/formats.md, "CEB messages"):
element names, namespace, order and occurrence, lengths and number formats, times, confirmed
code lists, line numbering and CEB311 totals. A file wrapped in a DxpMsg envelope is unwrapped
first. Prints one line per problem, FILE: /path: reason; exit status 0 when every file is valid,
2 otherwise. --unsigned accepts a missing ds:Signature where the XSD requires one (CEB621, 623,
625, 711): a message on its way to the signer.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var files []cebFile
			bad := 0
			for _, name := range args {
				f := readCEB(name, unsigned)
				if !f.Valid {
					bad++
				}
				files = append(files, f)
			}
			if o.JSON {
				enc := json.NewEncoder(o.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(files); err != nil {
					return err
				}
			} else {
				for _, f := range files {
					if f.Valid {
						fmt.Fprintf(o.out, "%s: %s OK\n", f.Name, f.Type)
						continue
					}
					for _, p := range f.Problems {
						fmt.Fprintf(o.out, "%s: %s: %s\n", f.Name, p.Path, p.Reason)
					}
				}
			}
			if bad > 0 {
				return postal.Errorf(postal.CodeInvalid, "%d of %d files invalid", bad, len(files))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&unsigned, "unsigned", false, "accept a missing ds:Signature (a message before signing)")
	return cmd
}

func cebShowCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "show FILE",
		Short: "say what a CEB message says, in words",
		Long: `Show a CEB message (plain or in a DxpMsg envelope) in words: its type with the official Chinese
and an English name, who sent it, then every element with its gloss. Receipts get their status
explained. Buyer identity numbers and phones are masked. Problems, if any, follow.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := readCEB(args[0], true)
			if f.msg == nil {
				for _, p := range f.Problems {
					fmt.Fprintf(o.out, "%s: %s: %s\n", f.Name, p.Path, p.Reason)
				}
				return postal.Errorf(postal.CodeInvalid, "%s: not a CEB message", f.Name)
			}
			showCEB(o.out, f)
			if !f.Valid {
				return postal.Errorf(postal.CodeInvalid, "%s: %d problems", f.Name, len(f.Problems))
			}
			return nil
		},
	}
}

func showCEB(w io.Writer, f cebFile) {
	m := f.msg
	s := m.Schema
	family := "import"
	if s.Export {
		family = "export"
	}
	kind := "declaration"
	if s.Receipt {
		kind = "receipt from customs"
	}
	fmt.Fprintf(w, "%s — %s\n%s, %s %s\n", s.Type, s.Chinese, s.English, family, kind)
	fmt.Fprintf(w, "guid %s, version %s\n", m.GUID(), m.Root.Attr("version"))
	if f.Envelope {
		fmt.Fprintf(w, "DXP envelope: %s from %s to %s at %s\n", f.ti.CopMsgID, f.ti.SenderID, strings.Join(f.ti.ReceiverIDs, ", "), f.ti.CreatTime.Format("2006-01-02 15:04:05 -07:00"))
	}
	if t := m.Transfer(); t.CopCode != "" {
		fmt.Fprintf(w, "sent by %s %s over %s as %s\n", t.CopCode, t.CopName, t.DxpMode, t.DxpID)
	}
	for _, r := range m.Receipts() {
		d, _ := ceb.DescribeStatus(r.Status)
		var keys []string
		for _, k := range r.Keys {
			keys = append(keys, k.Name+" "+k.Value)
		}
		fmt.Fprintf(w, "status %s %s at %s: %s\n  for %s\n", r.Status, d, r.Time.Format("2006-01-02 15:04:05.000 -07:00"), r.Info, strings.Join(keys, ", "))
	}
	fmt.Fprintln(w)
	for _, c := range m.Root.Children {
		if c.Name == "BaseTransfer" || c.Name == "BaseSubscribe" || c.Space != ceb.Namespace {
			continue
		}
		n, _ := s.Root.Child(c.Name)
		showElement(w, n, c, 0)
	}
	if len(f.Problems) > 0 {
		fmt.Fprintf(w, "\n%d problems:\n", len(f.Problems))
		for _, p := range f.Problems {
			fmt.Fprintf(w, "  %s: %s\n", p.Path, p.Reason)
		}
	}
}

func showElement(w io.Writer, n *ceb.Node, e *ceb.Element, depth int) {
	ind := strings.Repeat("  ", depth)
	if n == nil {
		fmt.Fprintf(w, "%s%s (not in the standard)\n", ind, e.Name)
		return
	}
	if len(e.Children) == 0 && n.Kind != ceb.KindGroup {
		v := e.Text
		if v2 := ceb.MaskLeaf(e.Name, v); v2 != v {
			v = v2
		}
		fmt.Fprintf(w, "%s%-18s %-40s %s\n", ind, e.Name, n.English, v)
		return
	}
	if n.Chinese == "" {
		fmt.Fprintf(w, "%s%s\n", ind, e.Name)
	} else {
		fmt.Fprintf(w, "%s%s — %s\n", ind, e.Name, n.Chinese)
	}
	if n.Kind == ceb.KindAny {
		return
	}
	for _, c := range e.Children {
		cn, _ := n.Child(c.Name)
		showElement(w, cn, c, depth+1)
	}
}

func readJSONFile(name string, v any) error {
	data, err := readLimited(name, 1<<20)
	if err != nil {
		return postal.Errorf(postal.CodeInvalid, "%s: %v", name, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return postal.Errorf(postal.CodeInvalid, "%s: %v", name, err)
	}
	return nil
}

func cebWaybillCmd(o *Options) *cobra.Command {
	var profileFile, buyerFile, outDir string
	var inventory bool
	cmd := &cobra.Command{
		Use:   "waybill ITEM",
		Short: "write the CEB511 waybill (and with --inventory the CEB621) of a declared e-commerce import item",
		Long: `Write the CEB511 waybill of a stored e-commerce import declaration, as the post (the logistics
enterprise) sends it, and with --inventory the CEB621 inventory when the profile says the post
declares. --profile is the office's CEB configuration (JSON, docs/formats.md "CEB messages",
demo/ceb-profile.json); --buyer the buyer's ID number and phones from the platform's order (JSON:
idNumber, telephone, consigneeTelephone), which a customs declaration does not carry. The
messages are validated before they are written (a CEB621 still lacks the ds:Signature the signer
adds). -o DIR writes ITEM-CEB511.xml (and ITEM-CEB621.xml) instead of printing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if profileFile == "" {
				return postal.Invalid("no CEB profile", postal.FieldError{Field: "--profile", Message: "give the office's CEB profile, e.g. demo/ceb-profile.json"})
			}
			var p ceb.Profile
			if err := readJSONFile(profileFile, &p); err != nil {
				return err
			}
			p.Declares = p.Declares && inventory
			var b ceb.Buyer
			if buyerFile != "" {
				if err := readJSONFile(buyerFile, &b); err != nil {
					return err
				}
			}
			return o.withCustoms(cmd.Context(), func(svc *customs.Service, a *app.App) error {
				v, err := svc.Get(cmd.Context(), auth.Principal{Role: auth.RoleAdmin}, strings.ToUpper(args[0]))
				if err != nil {
					return err
				}
				wb, inv, err := ceb.FromDeclaration(&v.Declaration, p, b, a.Rates, a.Now())
				if err != nil {
					for _, pr := range asProblems(err) {
						fmt.Fprintf(o.out, "%s: %s: %s\n", v.Declaration.ID, pr.Path, pr.Reason)
					}
					return postal.Errorf(postal.CodeInvalid, "%s: no CEB messages written", v.Declaration.ID)
				}
				for _, m := range []*ceb.Message{wb, inv} {
					if m == nil {
						continue
					}
					out, err := ceb.Marshal(m, ceb.EncodeOptions{})
					if err != nil {
						return err
					}
					if outDir == "" {
						if _, err := o.out.Write(out); err != nil {
							return err
						}
						continue
					}
					name := filepath.Join(outDir, v.Declaration.ID+"-"+m.Type()+".xml")
					if err := os.WriteFile(name, out, 0o644); err != nil {
						return err
					}
					fmt.Fprintln(o.out, name)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&profileFile, "profile", "", "the office's CEB profile (JSON)")
	cmd.Flags().StringVar(&buyerFile, "buyer", "", "buyer identity and phones from the platform's order (JSON)")
	cmd.Flags().BoolVar(&inventory, "inventory", false, "also write the CEB621 inventory (when the profile declares)")
	cmd.Flags().StringVarP(&outDir, "out", "o", "", "directory to write the files to")
	return cmd
}

// cebProfiles loads --ceb-profiles: a JSON object of office → ceb.Profile ("*" for every office).
// The demo command uses the demo's profile when none is given.
func (o *Options) cebProfiles() (map[string]ceb.Profile, error) {
	if o.CEBProfiles == "" {
		if o.cebDemo {
			return demo.CEBProfiles()
		}
		return nil, nil
	}
	b, err := os.ReadFile(o.CEBProfiles)
	if err != nil {
		return nil, err
	}
	var out map[string]ceb.Profile
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, postal.Invalid("bad CEB profiles file", postal.FieldError{Field: o.CEBProfiles, Message: err.Error()})
	}
	return out, nil
}

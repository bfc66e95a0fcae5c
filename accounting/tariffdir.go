package accounting

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/interpost/interpost/postal"
)

// Manifest is tariff.yaml: what version a tariff set is.
type Manifest struct {
	Version     string `yaml:"version"`
	Description string `yaml:"description,omitempty"`
}

var versionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// ValidVersion reports whether v can name a tariff version: 1–32 letters,
// digits, dots, hyphens or underscores, starting with a letter or digit.
func ValidVersion(v string) bool { return versionRE.MatchString(v) }

func readManifest(data []byte, fe *postal.FieldList) Manifest {
	var m Manifest
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		fe.Add(ManifestFile, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		return m
	}
	if !ValidVersion(m.Version) {
		fe.Add(ManifestFile+" version", "%q must be 1–32 letters, digits, dots, hyphens or underscores, e.g. 2026.2", m.Version)
	}
	return m
}

// ManifestYAML writes a tariff.yaml.
func ManifestYAML(m Manifest) []byte {
	b, err := yaml.Marshal(m)
	if err != nil {
		panic(err) // two strings always marshal
	}
	return b
}

// ParseFiles reads a tariff set from its files by name: tariff.yaml and any
// of TableFiles. Every problem is reported at once, each naming its file,
// line and column ("terminal-dues.csv line 7: valid_from"); a set with any
// error is not returned.
func ParseFiles(files map[string][]byte) (*Set, error) {
	var fe postal.FieldList
	s := &Set{Files: map[string][]byte{}}
	for _, name := range sortedKeys(files) {
		if name != ManifestFile && !slices.Contains(TableFiles, name) {
			fe.Add(name, "unknown tariff file: a tariff set holds %s and any of %s", ManifestFile, strings.Join(TableFiles, ", "))
			continue
		}
		if !utf8.Valid(files[name]) {
			fe.Add(name, "is not UTF-8 text")
			continue
		}
		s.Files[name] = files[name]
	}
	files = s.Files
	mf, ok := files[ManifestFile]
	if !ok {
		fe.Add(ManifestFile, "missing: it names the version (version: 2026.2)")
	} else {
		m := readManifest(mf, &fe)
		s.Version, s.Description = m.Version, m.Description
	}
	read := func(name string, fn func(data []byte)) {
		if data, ok := files[name]; ok {
			fn(data)
		}
	}
	read(GroupsFile, func(b []byte) { s.Groups = readTable(tables.groups, b, &fe) })
	read(ZonesFile, func(b []byte) { s.Zones = readTable(tables.zones, b, &fe) })
	read(DuesFile, func(b []byte) { s.Dues = readTable(tables.dues, b, &fe) })
	read(LandRatesFile, func(b []byte) { s.LandRates = readTable(tables.land, b, &fe) })
	read(EMSFile, func(b []byte) { s.EMS = readTable(tables.ems, b, &fe) })
	read(TransitFile, func(b []byte) { s.Transit = readTable(tables.transit, b, &fe) })
	read(ConveyanceFile, func(b []byte) { s.Conveyance = readTable(tables.conveyance, b, &fe) })
	read(PricesFile, func(b []byte) { s.Prices = readTable(tables.prices, b, &fe) })
	read(SurchargesFile, func(b []byte) { s.Surcharges = readTable(tables.surcharges, b, &fe) })
	read(HandlingFile, func(b []byte) { s.Handling = readTable(tables.handling, b, &fe) })
	read(ReturnsFile, func(b []byte) { s.Returns = readTable(tables.returns, b, &fe) })
	s.checkReferences(&fe)
	if err := fe.Err("tariff files have errors"); err != nil {
		return nil, err
	}
	s.index()
	return s, nil
}

// checkReferences checks what spans files: destinations name a country or a
// group of groups.csv, price zones are zones of zones.csv.
func (s *Set) checkReferences(fe *postal.FieldList) {
	groups, zones := map[string]bool{}, map[string]bool{}
	for _, g := range s.Groups {
		groups[g.Group] = true
	}
	for _, z := range s.Zones {
		zones[z.Zone] = true
	}
	dest := func(file string, line int, d string) {
		if !postal.ValidCountry(d) && !groups[d] {
			fe.Add(fmt.Sprintf("%s line %d: dest", file, line), "%q is neither an ISO 3166-1 country code nor a group of %s", d, GroupsFile)
		}
	}
	for _, r := range s.Dues {
		dest(r.File, r.Line, r.Dest)
	}
	for _, r := range s.LandRates {
		dest(r.File, r.Line, r.Dest)
	}
	for _, r := range s.EMS {
		dest(r.File, r.Line, r.Dest)
	}
	for _, r := range s.Prices {
		if !zones[r.Zone] {
			fe.Add(fmt.Sprintf("%s line %d: zone", r.File, r.Line), "%q is not a zone of %s", r.Zone, ZonesFile)
		}
	}
}

// ReadDir reads a tariff set from a directory.
func ReadDir(fsys fs.FS) (*Set, error) {
	files, err := DirFiles(fsys)
	if err != nil {
		return nil, err
	}
	return ParseFiles(files)
}

// DirFiles loads the tariff files of a directory (tariff.yaml and *.csv;
// other files such as a README are left alone).
func DirFiles(fsys fs.FS) (map[string][]byte, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read tariff directory: %w", err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name != ManifestFile && path.Ext(name) != ".csv" {
			continue
		}
		if files[name], err = fs.ReadFile(fsys, name); err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
	if len(files) == 0 {
		return nil, postal.Invalid("no tariff files", postal.FieldError{Field: ManifestFile, Message: "the directory holds neither tariff.yaml nor any CSV file"})
	}
	return files, nil
}

// ErrNoTariff is returned (wrapped) when no tariff version has been loaded.
var ErrNoTariff = errors.New("no tariff loaded")

// Overlay returns a new set: base with the given files replaced (a table
// missing from files keeps base's). version names the new version when files
// hold no tariff.yaml. The whole result is validated again, so a new
// zones.csv is checked against the price lists kept from base.
func Overlay(base *Set, files map[string][]byte, version string) (*Set, error) {
	merged := map[string][]byte{}
	if base != nil {
		maps.Copy(merged, base.Files)
	}
	maps.Copy(merged, files)
	if _, ok := files[ManifestFile]; !ok {
		m := Manifest{Version: version}
		if base != nil {
			m.Description = base.Description
		}
		merged[ManifestFile] = ManifestYAML(m)
	}
	return ParseFiles(merged)
}

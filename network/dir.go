package network

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/interpost/interpost/postal"
)

// File names of a network directory.
const (
	OfficesFile  = "offices.csv"
	ServicesFile = "services.csv"
)

// Network is a set of offices and the services between them, as kept in a
// directory holding offices.csv and services.csv.
type Network struct {
	Offices  []Office
	Services []Leg
}

// OfficeMap indexes offices by code.
func OfficeMap(offices []Office) map[string]Office {
	m := make(map[string]Office, len(offices))
	for _, o := range offices {
		m[o.Code] = o
	}
	return m
}

// ReadDir reads offices.csv and services.csv from fsys. offices.csv may be
// missing when known (offices already stored) covers every office the
// services name; services.csv must be there. Every error names its file,
// line and column ("services.csv line 4: departs"); a directory with any
// error returns no network.
func ReadDir(fsys fs.FS, known []Office) (Network, error) {
	var n Network
	var fe postal.FieldList
	offices := OfficeMap(known)
	b, err := fs.ReadFile(fsys, OfficesFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if len(known) == 0 {
			fe.Add(OfficesFile, "missing: a network directory needs offices.csv and services.csv")
		}
	case err != nil:
		return n, fmt.Errorf("read %s: %w", OfficesFile, err)
	default:
		n.Offices, err = ReadOffices(bytes.NewReader(b))
		fe = append(fe, inFile(OfficesFile, err)...)
		for _, o := range n.Offices {
			offices[o.Code] = o
		}
	}
	b, err = fs.ReadFile(fsys, ServicesFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fe.Add(ServicesFile, "missing: a network directory needs offices.csv and services.csv")
	case err != nil:
		return n, fmt.Errorf("read %s: %w", ServicesFile, err)
	case len(fe) == 0:
		n.Services, err = ReadServices(bytes.NewReader(b), offices)
		fe = append(fe, inFile(ServicesFile, err)...)
	default:
		// Office errors make every reference check unreliable; check the
		// services on their own so all syntax errors still show.
		_, err = ReadServices(bytes.NewReader(b), nil)
		fe = append(fe, inFile(ServicesFile, err)...)
	}
	if err := fe.Err("network files have errors"); err != nil {
		return Network{}, err
	}
	return n, nil
}

// inFile prefixes the file name to the field errors of a reader's error.
func inFile(name string, err error) []postal.FieldError {
	if err == nil {
		return nil
	}
	fields := postal.Fields(err)
	if len(fields) == 0 {
		return []postal.FieldError{{Field: name, Message: err.Error()}}
	}
	out := make([]postal.FieldError, len(fields))
	for i, f := range fields {
		f.Field = name + " " + f.Field
		out[i] = f
	}
	return out
}

// WriteDir writes offices.csv and services.csv into dir, creating it if
// needed. Each file is written to a temporary name first and renamed, so a
// failed export never leaves half a file.
func WriteDir(dir string, n Network) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	var ob, sb bytes.Buffer
	if err := WriteOffices(&ob, n.Offices); err != nil {
		return err
	}
	if err := WriteServices(&sb, n.Services); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{OfficesFile, ob.Bytes()}, {ServicesFile, sb.Bytes()}} {
		path := filepath.Join(dir, f.name)
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, f.data, 0o640); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return errors.Join(err, os.Remove(tmp))
		}
	}
	return nil
}

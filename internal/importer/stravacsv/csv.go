package stravacsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode"

	"rebound"
)

// Meta is what the CSV says about one activity.
type Meta struct {
	Row         int // 1-based line of the record in the CSV (the header is row 1)
	ActivityID  string
	Name        string
	Type        string // Strava's activity type, e.g. "Run", "Ride"
	Description string
	Gear        string
	RPE         *int   // Perceived Exertion 1–10, when given
	Filename    string // e.g. "activities/12866632127.fit.gz"; "" for manual activities
}

// Sport maps Strava's activity type to Rebound's sport, "" when unknown.
func (m Meta) Sport() string {
	switch strings.ToLower(strings.ReplaceAll(m.Type, " ", "")) {
	case "run", "trailrun", "virtualrun", "lauf", "course", "carrera", "corsa", "hardlopen":
		return rebound.SportRunning
	case "ride", "virtualride", "ebikeride", "mountainbikeride", "gravelride", "radfahrt", "velo", "vélo", "bicicleta":
		return rebound.SportCycling
	case "walk", "spaziergang", "marche", "caminata":
		return rebound.SportWalking
	case "hike", "wanderung", "randonnée", "excursionismo":
		return rebound.SportHiking
	case "swim", "schwimmen", "natation", "natación":
		return rebound.SportSwimming
	}
	return ""
}

// Stable positions of the first columns, used when a header is not
// recognised (a language not listed below).
const (
	posID          = 0
	posName        = 2
	posType        = 3
	posDescription = 4
	posGear        = 11
	posFilename    = 12
)

// Known header names, normalised (lower case, letters and digits only). The
// English names are from real exports; a missing language falls back to the
// positions above.
var headerNames = map[string]string{
	"activityid":          "id",
	"activityname":        "name",
	"activitytype":        "type",
	"activitydescription": "description",
	"activitygear":        "gear",
	"filename":            "filename",
	"perceivedexertion":   "rpe",
	// German exports (geo-activity-playground #191 shows "Aktivitäts-ID").
	"aktivitätsid": "id",
	"dateiname":    "filename",
}

// RowError is a bad row: the others are still returned.
type RowError struct {
	Row int
	Err string
}

func (e RowError) Error() string { return fmt.Sprintf("activities.csv line %d: %s", e.Row, e.Err) }

// Parse reads the CSV. It returns the rows keyed by their normalised
// Filename (see Key), the rows without a file (manual activities), and an
// error for each row it had to skip. A file that is not a Strava
// activities.csv at all is an EInvalid error.
func Parse(r io.Reader) (byFile map[string]Meta, manual []Meta, rowErrs []RowError, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // column counts vary between exports and rows
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil, rebound.Errorf(rebound.EInvalid, "activities.csv is empty")
		}
		return nil, nil, nil, rebound.Errorf(rebound.EInvalid, "activities.csv: not a CSV file: %v", err)
	}
	cols := columns(header)
	if cols["filename"] < 0 || cols["id"] < 0 {
		return nil, nil, nil, rebound.Errorf(rebound.EInvalid, "activities.csv: header has %d columns, too few for a Strava export (need at least %d)", len(header), posFilename+1)
	}
	byFile = map[string]Meta{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rowErrs = append(rowErrs, RowError{Row: pe.Line, Err: pe.Err.Error()})
				if pe.Err == csv.ErrFieldCount {
					continue
				}
				// A broken quote desynchronises the reader: stop here, keep what was read.
				break
			}
			return byFile, manual, rowErrs, fmt.Errorf("activities.csv line %d: %w", row, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(key string) string {
			i := cols[key]
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		m := Meta{
			Row:         line,
			ActivityID:  get("id"),
			Name:        get("name"),
			Type:        get("type"),
			Description: get("description"),
			Gear:        get("gear"),
			Filename:    get("filename"),
		}
		if m.ActivityID == "" {
			rowErrs = append(rowErrs, RowError{Row: line, Err: "no activity ID"})
			continue
		}
		if s := get("rpe"); s != "" {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 1 || v > 10 {
				rowErrs = append(rowErrs, RowError{Row: line, Err: fmt.Sprintf("perceived exertion %q is not a number from 1 to 10 (kept the rest of the row)", s)})
			} else {
				rpe := int(v + 0.5)
				m.RPE = &rpe
			}
		}
		if m.Filename == "" {
			manual = append(manual, m)
			continue
		}
		byFile[Key(m.Filename)] = m
	}
	return byFile, manual, rowErrs, nil
}

// Key normalises an activity file path so the CSV's "activities/123.fit.gz"
// matches the file however the export was unpacked or zipped.
func Key(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	return strings.ToLower(path.Join(path.Base(path.Dir(name)), path.Base(name)))
}

// columns finds each wanted column: by known name (first occurrence), else
// by stable position.
func columns(header []string) map[string]int {
	cols := map[string]int{"id": -1, "name": -1, "type": -1, "description": -1, "gear": -1, "filename": -1, "rpe": -1}
	for i, h := range header {
		if key, ok := headerNames[normalise(h)]; ok && cols[key] < 0 {
			cols[key] = i
		}
	}
	fallback := map[string]int{"id": posID, "name": posName, "type": posType, "description": posDescription, "gear": posGear, "filename": posFilename}
	for key, pos := range fallback {
		if cols[key] < 0 && pos < len(header) {
			cols[key] = pos
		}
	}
	return cols
}

func normalise(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

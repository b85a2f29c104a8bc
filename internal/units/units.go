package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"rebound"
)

// Exact conversion factors (international mile and pound, 1959).
const (
	MetresPerMile = 1609.344
	KgPerPound    = 0.45359237
	MetresPerKm   = 1000.0
)

// System is the runner's display unit system.
type System string

const (
	Metric   System = "km"
	Imperial System = "mi"
)

// ParseSystem accepts "km" or "mi".
func ParseSystem(s string) (System, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "km", "metric":
		return Metric, nil
	case "mi", "imperial":
		return Imperial, nil
	}
	return "", rebound.Errorf(rebound.EInvalid, "units %q: use km or mi", s)
}

// DistanceUnit is "km" or "mi".
func (s System) DistanceUnit() string { return string(s.orMetric()) }

func (s System) orMetric() System {
	if s == Imperial {
		return Imperial
	}
	return Metric
}

func (s System) metresPerUnit() float64 {
	if s == Imperial {
		return MetresPerMile
	}
	return MetresPerKm
}

// Distance formats metres as "12.34 km" / "7.67 mi".
func (s System) Distance(m float64) string {
	return fmt.Sprintf("%.2f %s", m/s.metresPerUnit(), s.DistanceUnit())
}

// Pace formats a speed as "m:ss /km" or "/mi"; "—" without movement.
func (s System) Pace(mps float64) string {
	if mps <= 0 || math.IsNaN(mps) || math.IsInf(mps, 0) {
		return "—"
	}
	secs := s.metresPerUnit() / mps
	if secs >= 3600 {
		return "—"
	}
	total := int(math.Round(secs))
	return fmt.Sprintf("%d:%02d /%s", total/60, total%60, s.DistanceUnit())
}

// Duration formats seconds as "1:02:03" or "42:07".
func Duration(s float64) string {
	if s < 0 || math.IsNaN(s) {
		return "—"
	}
	t := int(math.Round(s))
	if t >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", t/3600, t/60%60, t%60)
	}
	return fmt.Sprintf("%d:%02d", t/60, t%60)
}

// ParseDistance parses "8km", "5mi", "800m", "5 mi" into metres. A bare
// number is in the given system's unit.
func ParseDistance(s string, def System) (float64, error) {
	v, unit, err := splitNumber(s)
	if err != nil {
		return 0, rebound.Errorf(rebound.EInvalid, "distance %q: %v (e.g. 8km, 5mi, 800m)", s, err)
	}
	var m float64
	switch unit {
	case "":
		m = v * def.metresPerUnit()
	case "km", "k":
		m = v * MetresPerKm
	case "mi", "mile", "miles":
		m = v * MetresPerMile
	case "m":
		m = v
	default:
		return 0, rebound.Errorf(rebound.EInvalid, "distance %q: unknown unit %q (use km, mi or m)", s, unit)
	}
	if m < 0 {
		return 0, rebound.Errorf(rebound.EInvalid, "distance %q: cannot be negative", s)
	}
	return m, nil
}

// ParseDuration parses "45m", "1h30m", "7h30m", "90s", "1:05:00" or "45:00"
// into seconds. A bare number is minutes.
func ParseDuration(s string) (float64, error) {
	t := strings.TrimSpace(strings.ToLower(s))
	if strings.Contains(t, ":") {
		parts := strings.Split(t, ":")
		if len(parts) > 3 {
			return 0, rebound.Errorf(rebound.EInvalid, "duration %q: use h:mm:ss, mm:ss or 1h30m", s)
		}
		total := 0.0
		for _, p := range parts {
			n, err := strconv.ParseFloat(p, 64)
			if err != nil || n < 0 {
				return 0, rebound.Errorf(rebound.EInvalid, "duration %q: use h:mm:ss, mm:ss or 1h30m", s)
			}
			total = total*60 + n
		}
		return total, nil
	}
	if n, err := strconv.ParseFloat(t, 64); err == nil {
		if n < 0 {
			return 0, rebound.Errorf(rebound.EInvalid, "duration %q: cannot be negative", s)
		}
		return n * 60, nil
	}
	d, err := time.ParseDuration(t)
	if err != nil {
		return 0, rebound.Errorf(rebound.EInvalid, "duration %q: use e.g. 45m, 1h30m or 1:05:00", s)
	}
	if d < 0 {
		return 0, rebound.Errorf(rebound.EInvalid, "duration %q: cannot be negative", s)
	}
	return d.Seconds(), nil
}

// ParsePace parses "3:50/km" or "6:10/mi" (or a bare "3:50" in the given
// system) into a speed in m/s.
func ParsePace(s string, def System) (float64, error) {
	t := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	sys := def
	switch {
	case strings.HasSuffix(t, "/km"):
		sys, t = Metric, strings.TrimSuffix(t, "/km")
	case strings.HasSuffix(t, "/mi"):
		sys, t = Imperial, strings.TrimSuffix(t, "/mi")
	}
	parts := strings.Split(t, ":")
	if len(parts) != 2 {
		return 0, rebound.Errorf(rebound.EInvalid, "pace %q: use m:ss/km or m:ss/mi, e.g. 3:50/km", s)
	}
	mins, err1 := strconv.Atoi(parts[0])
	secs, err2 := strconv.ParseFloat(parts[1], 64)
	if err1 != nil || err2 != nil || mins < 0 || secs < 0 || secs >= 60 {
		return 0, rebound.Errorf(rebound.EInvalid, "pace %q: use m:ss/km or m:ss/mi, e.g. 3:50/km", s)
	}
	total := float64(mins)*60 + secs
	if total <= 0 {
		return 0, rebound.Errorf(rebound.EInvalid, "pace %q: must be more than 0:00", s)
	}
	return sys.metresPerUnit() / total, nil
}

// ParseMass parses "68kg", "150lb" (or a bare number in kg) into kg.
func ParseMass(s string) (float64, error) {
	v, unit, err := splitNumber(s)
	if err != nil {
		return 0, rebound.Errorf(rebound.EInvalid, "weight %q: %v (e.g. 68kg or 150lb)", s, err)
	}
	switch unit {
	case "", "kg":
		return v, nil
	case "lb", "lbs":
		return v * KgPerPound, nil
	}
	return 0, rebound.Errorf(rebound.EInvalid, "weight %q: unknown unit %q (use kg or lb)", s, unit)
}

// ParseTemperature parses "30C", "86F" or a bare number in °C.
func ParseTemperature(s string) (float64, error) {
	v, unit, err := splitNumber(strings.ReplaceAll(s, "°", ""))
	if err != nil {
		return 0, rebound.Errorf(rebound.EInvalid, "temperature %q: %v (e.g. 30C or 86F)", s, err)
	}
	switch unit {
	case "", "c":
		return v, nil
	case "f":
		return (v - 32) * 5 / 9, nil
	}
	return 0, rebound.Errorf(rebound.EInvalid, "temperature %q: unknown unit %q (use C or F)", s, unit)
}

// splitNumber splits "8.5km" into 8.5 and "km".
func splitNumber(s string) (float64, string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.' || t[i] == '-' || t[i] == '+') {
		i++
	}
	if i == 0 {
		return 0, "", fmt.Errorf("no number")
	}
	v, err := strconv.ParseFloat(t[:i], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, "", fmt.Errorf("not a number")
	}
	return v, strings.TrimSpace(t[i:]), nil
}

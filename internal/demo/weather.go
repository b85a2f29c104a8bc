package demo

import (
	"math"
	"time"
)

// climateC is New York's typical air temperature on day t: the early-morning
// low (morning) or the early-evening temperature (evening). Rebound's
// approximation of NOAA's 1991–2020 Central Park normals: lows from about
// −3 °C (late January) to 21 °C (late July), highs from 4 °C to 29 °C, as
// cosines of the day of the year peaking on 20 July.
func climateC(t time.Time, evening bool) float64 {
	u := 2 * math.Pi * float64(t.YearDay()-201) / 365.25
	if evening {
		return 15 + 12.5*math.Cos(u) // ~1.5 °C below the afternoon high
	}
	return 9 + 12*math.Cos(u)
}

// summer reports whether day t's mornings are warm enough (≥ 17 °C on
// average) for a heat-wave morning of 27–31 °C to be plausible.
func summer(t time.Time) bool { return climateC(t, false) >= 17 }

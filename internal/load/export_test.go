package load

import "rebound"

// ProfileParts exposes, for the golden test, the per-activity measures
// ResolveProfile takes the best of: the credible maximum HR, Friel's LTHR
// effort (value and how), and the best 30-min mean grade-adjusted speed.
func ProfileParts(a *rebound.Activity, p Params) (maxHR, lthr float64, lthrHow string, bestSpeed float64) {
	if a == nil || a.Streams == nil {
		return 0, 0, "", 0
	}
	if hr := a.Streams.HeartRateBPM; hr != nil {
		maxHR = credibleMaxHR(hr, p)
		lthr, lthrHow = bestLTHREffort(hr, p)
	}
	st := consistent(a.Streams)
	if sp := cleanSpeed(st, p, nil); sp.hasSpeed {
		g, _ := gradedSpeed(st, sp.mps, p, nil)
		bestSpeed = bestWindowMean(g, int(p.LTHRWindowS), nil)
	}
	return maxHR, lthr, lthrHow, bestSpeed
}

package track

import "math"

// earthRadiusM is the IUGG mean Earth radius R1 (Moritz 1980, Geodetic
// Reference System 1980), the usual choice for haversine distances.
const earthRadiusM = 6371008.8

// HaversineM is the great-circle distance in metres between two points given
// in degrees.
func HaversineM(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := lat1*rad, lat2*rad
	dφ := (lat2 - lat1) * rad
	dλ := (lon2 - lon1) * rad
	h := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(h)))
}

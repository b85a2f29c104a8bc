package cli

import (
	"time"

	"rebound"
)

// activityJSON is the stable, SI wire form of an activity (tools script it;
// fields are only ever added).
type activityJSON struct {
	ID              int64     `json:"id"`
	StartTime       time.Time `json:"start_time"` // UTC
	UTCOffsetS      int       `json:"utc_offset_s"`
	OffsetSource    string    `json:"utc_offset_source"`
	Sport           string    `json:"sport"`
	SubSport        string    `json:"sub_sport"`
	Name            string    `json:"name"`
	Notes           string    `json:"notes,omitempty"`
	Gear            string    `json:"gear,omitempty"`
	DistanceM       float64   `json:"distance_m"`
	ElapsedS        float64   `json:"elapsed_s"`
	MovingS         float64   `json:"moving_s"`
	AvgSpeedMPS     float64   `json:"avg_speed_mps"`
	PaceSPerKm      *float64  `json:"pace_s_per_km"`
	MaxSpeedMPS     *float64  `json:"max_speed_mps"`
	AvgHR           *float64  `json:"avg_hr"`
	MaxHR           *float64  `json:"max_hr"`
	AscentM         *float64  `json:"ascent_m"`
	DescentM        *float64  `json:"descent_m"`
	AvgTemperatureC *float64  `json:"avg_temperature_c"`
	MinTemperatureC *float64  `json:"min_temperature_c"`
	MaxTemperatureC *float64  `json:"max_temperature_c"`
	AvgCadenceSPM   *float64  `json:"avg_cadence_spm"`
	AvgPowerW       *float64  `json:"avg_power_w"`
	Calories        *float64  `json:"calories_kcal"`
	Device          string    `json:"device"`
	SourceFile      string    `json:"source_file"`
	SourceSHA256    string    `json:"source_sha256"`
	SourceFormat    string    `json:"source_format"`
	SummarySource   string    `json:"summary_source"`
	RPE             *int      `json:"rpe"`
	Kind            string    `json:"kind,omitempty"`
	Laps            []lapJSON `json:"laps,omitempty"`
}

type lapJSON struct {
	Index       int       `json:"index"`
	StartTime   time.Time `json:"start_time"`
	ElapsedS    float64   `json:"elapsed_s"`
	MovingS     float64   `json:"moving_s"`
	DistanceM   float64   `json:"distance_m"`
	AvgSpeedMPS float64   `json:"avg_speed_mps"`
	AvgHR       *float64  `json:"avg_hr"`
	MaxHR       *float64  `json:"max_hr"`
	AvgCadence  *float64  `json:"avg_cadence_spm"`
}

func toActivityJSON(a *rebound.Activity) activityJSON {
	j := activityJSON{
		ID: a.ID, StartTime: a.StartTime.UTC(), UTCOffsetS: a.UTCOffsetS, OffsetSource: a.OffsetSource,
		Sport: a.Sport, SubSport: a.SubSport, Name: a.Name, Notes: a.Notes, Gear: a.Gear,
		DistanceM: a.DistanceM, ElapsedS: a.ElapsedS, MovingS: a.MovingS, AvgSpeedMPS: a.AvgSpeedMPS,
		MaxSpeedMPS: a.MaxSpeedMPS, AvgHR: a.AvgHeartRateBPM, MaxHR: a.MaxHeartRateBPM,
		AscentM: a.AscentM, DescentM: a.DescentM, AvgTemperatureC: a.AvgTemperatureC,
		MinTemperatureC: a.MinTemperatureC, MaxTemperatureC: a.MaxTemperatureC,
		AvgCadenceSPM: a.AvgCadenceSPM, AvgPowerW: a.AvgPowerW, Calories: a.Calories,
		Device: a.Device, SourceFile: a.SourceFile, SourceSHA256: a.SourceSHA256,
		SourceFormat: a.SourceFormat, SummarySource: a.SummarySource, RPE: a.RPE, Kind: a.Kind,
	}
	if p := a.PaceSPerKm(); p > 0 {
		j.PaceSPerKm = &p
	}
	for _, l := range a.Laps {
		j.Laps = append(j.Laps, lapJSON{Index: l.Index, StartTime: l.StartTime.UTC(), ElapsedS: l.ElapsedS,
			MovingS: l.MovingS, DistanceM: l.DistanceM, AvgSpeedMPS: l.AvgSpeedMPS,
			AvgHR: l.AvgHeartRateBPM, MaxHR: l.MaxHeartRateBPM, AvgCadence: l.AvgCadenceSPM})
	}
	return j
}

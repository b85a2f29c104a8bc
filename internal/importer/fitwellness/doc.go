// Package fitwellness reads the morning values a watch or HRV app leaves in
// FIT files — rMSSD, resting heart rate and sleep — into check-ins
// (rebound.CheckIn with Source "fit"), one per civil date. It is the FIT
// sibling of internal/importer/hrvcsv and has the same shape: a Result with
// the check-ins, per-entry errors (the rest kept) and file-level warnings.
//
// What is read (message numbers from the FIT profile, muktihari/fit v0.26.1
// profile/untyped/mesgnum):
//
//   - hrv_status_summary (370): Garmin HRV Status. last_night_average
//     (uint16, scale 128, ms; the mean rMSSD over last night's sleep) becomes
//     the rMSSD of the morning the message is stamped on.
//   - hrv_value (371): Garmin's 5-minute overnight rMSSD values (scale 128,
//     ms). A night of them (gaps ≤ 3 h) is averaged and used only when that
//     morning has no hrv_status_summary, whose last_night_average is the
//     same quantity.
//   - monitoring_hr_data (211): current_day_resting_heart_rate (the day's
//     own resting HR) becomes the resting HR of the day it is stamped on; a
//     monitoring file updates it through the day, so the last value of a
//     day wins. resting_heart_rate (field 0) is Garmin's 7-day rolling
//     average, not a daily reading: it is not used (Rebound keeps its own
//     7-day mean; science.md §7), and a warning counts the messages that
//     carry only it.
//   - hrv (78): beat-to-beat (RR) intervals, s ÷ 1000. A short resting
//     recording — at most 10 minutes, as HRV apps and snapshot-style
//     recordings write — gives rMSSD = √(mean of squared successive RR
//     differences), after artefact rejection (see RMSSD). It is dated by the
//     first timestamp in its FIT sequence, else file_id.time_created. Longer recordings are exercise
//     (an activity with a chest strap) and are skipped with a warning, as
//     are recordings in a session of any sport but generic, meditation or
//     breathing, and recordings at a mean heart rate above 100 bpm:
//     exercise HRV is never stored as a morning value.
//   - sleep_level (275): the sleep stage from each timestamp until the next.
//     A sleep period ends after more than 3 h awake (or unmeasured) or a gap
//     longer than 16 h; its sleep is the time in light, deep and REM sleep
//     (awake and unmeasurable excluded; the last stage's length is unknown
//     and not counted), credited to the morning it ends. sleep_assessment (346) carries only 0–100 scores and no
//     duration, so it is not used.
//
// Dates. A FIT timestamp is an instant (UTC). Its civil date is taken in the
// device's own zone when the FIT sequence says what it was — activity
// (34).local_timestamp or monitoring_info (103).local_timestamp, minus the
// message's timestamp, rounded to 15 minutes — since the watch knew where
// the runner slept; otherwise in the zone passed to Parse. Timestamps below
// 0x10000000 are seconds since the device powered on (FIT profile, date_time)
// and cannot be dated: such entries are errors.
//
// Every value is checked with rebound.CheckIn.Validate and against the
// latest allowed date; a bad entry is reported and skipped, the others kept.
// When one morning has several readings of a kind: rMSSD prefers a resting
// RR recording (the fixed-posture morning reading of science.md §7, Plews
// 2012) over Garmin's overnight average, else the first; resting HR keeps
// the last; sleep keeps the longest night.
package fitwellness

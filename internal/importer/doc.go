// Package importer brings files into the store: it walks files and folders,
// recognises each file by its content (FIT, GPX, TCX, gzip, Strava and Garmin
// export zips), hands it to the format's decoder, fills what the file cannot
// know (athlete, local time zone, source name and SHA-256, Strava metadata),
// and stores each file's activities in one transaction.
//
// Decoding runs on several goroutines; one writer commits, so the store sees
// a single writer. A file that fails is reported with one line and the
// import goes on.
package importer

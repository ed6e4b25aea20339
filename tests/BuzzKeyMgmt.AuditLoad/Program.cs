using BuzzKeyMgmt.AuditLoad;

// Usage:
//   append  <db path> <n>            append n rows (Started/Completed pairs) through the store, one durable commit each
//   bench   <work dir> <n>           durable chained appends per second vs plain durable inserts of the same rows (baseline)
//   journal <path> <rows>            write a journal of <rows> rows as the trail does when the store is away
//   replay  <work dir> <journal>     replay a copy of that journal into a new store (Sync-KeyAuditJournal), twice
//   seed    <db path> <rows>         bulk-load a valid chain of <rows> rows (one transaction)
//   verify  <db path>                verify the chain and print rows and seconds
//   digests <db path> <folder> <every>   sign a digest of every <every> rows of the chain into <folder> (as AuditAnchor writes them)
//   verify-digests <db path> <folder> [Newest|AllDigests|AllSignatures]   verify the chain against those digests
// Exit codes: 0 ok, 1 chain broken or goal missed is NOT an error here (the caller judges), 2 usage, 3 store error.
try
{
    return args switch
    {
        ["append", var db, var n] => LoadCommands.Append(db, int.Parse(n)),
        ["bench", var dir, var n] => LoadCommands.Bench(dir, int.Parse(n)),
        ["journal", var path, var rows] => LoadCommands.Journal(path, int.Parse(rows)),
        ["replay", var dir, var journal] => LoadCommands.Replay(dir, journal),
        ["seed", var db, var rows] => LoadCommands.Seed(db, long.Parse(rows)),
        ["verify", var db] => LoadCommands.Verify(db),
        ["digests", var db, var folder, var every] => DigestCommands.Seed(db, folder, int.Parse(every)),
        ["verify-digests", var db, var folder] => DigestCommands.Verify(db, folder, "Newest"),
        ["verify-digests", var db, var folder, var mode] => DigestCommands.Verify(db, folder, mode),
        _ => Usage(),
    };
}
catch (BuzzKeyMgmt.Engine.Audit.AuditStoreException ex)
{
    Console.Error.WriteLine($"{ex.Code}: {ex.Message}");
    return 3;
}
catch (FormatException ex)
{
    Console.Error.WriteLine(ex.Message);
    return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: append <db> <n> | bench <dir> <n> | journal <path> <rows> | replay <dir> <journal> | seed <db> <rows> | verify <db> | digests <db> <folder> <every> | verify-digests <db> <folder> [Newest|AllDigests|AllSignatures]");
    return 2;
}

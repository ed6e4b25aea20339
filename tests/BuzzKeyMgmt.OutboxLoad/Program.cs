using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Alerts;

// Usage:
//   queue-flush <outbox path> <endpoint> <region> <access key id> <secret key> <topic arn> <n>
//     queues n alerts (printing "queued <alertId>" once each Append returned, i.e. once it is durable), prints
//     "flushing", flushes the outbox to the topic and prints "flushed <delivered> <remaining> <quarantined>".
// The outbox kill test runs it and kills it at random points; the lines it printed say what was acknowledged.
// Exit codes: 0 ok, 2 usage, 3 the flush did not empty the outbox.
if (args is not ["queue-flush", var path, var endpoint, var region, var accessKey, var secret, var topic, var count]
    || !int.TryParse(count, out var n))
{
    Console.Error.WriteLine("usage: queue-flush <outbox> <endpoint> <region> <access key id> <secret key> <topic arn> <n>");
    return 2;
}

var outbox = new AlertOutbox(path);
for (var i = 0; i < n; i++)
{
    var alert = new KeyAlert
    {
        Environment = "kill-test", Operation = "REVOKE", Outcome = KeyAlert.Succeeded, KeyId = $"key-{i}", Alias = $"alias/kill-{i}",
        IncidentId = "INC-2026-0042", Operator = "outbox-load", OccurredAtUtc = DateTimeOffset.UtcNow,
    };
    outbox.Append(new PendingAlert(alert.AlertId, topic, alert.Subject, alert.Body, DateTimeOffset.UtcNow, "InternalError: queued by the load"));
    Console.WriteLine($"queued {alert.AlertId}");
}
Console.WriteLine("flushing");
using var publisher = new SnsPublisher(new BasicAWSCredentials(accessKey, secret), region, endpoint, TimeSpan.FromSeconds(20));
using var sender = new AlertSender(publisher, topic, outbox);
var flushed = await sender.FlushAsync();
Console.WriteLine($"flushed {flushed.Delivered} {flushed.Remaining} {flushed.Quarantined}");
return flushed.Remaining == 0 ? 0 : 3;

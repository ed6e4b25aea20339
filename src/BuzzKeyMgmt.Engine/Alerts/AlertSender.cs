using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Alerts;

/// <summary>How an alert left: published now, queued in the outbox for a later flush, or lost (the outbox could not be
/// written either; the error says why).</summary>
public enum AlertDelivery { Published, Queued, Lost }

/// <summary>What <see cref="AlertSender.Send"/> did with one alert.</summary>
public sealed record AlertSendResult(string AlertId, AlertDelivery Delivery, string? MessageId, string? ErrorCode, string? ErrorMessage, string OutboxPath);

/// <summary>What a flush did: delivered now, still waiting (-1 when the outbox could not be read), and the error that
/// stopped it (null when the outbox emptied). Lines of the outbox that were not a pending alert are never sent: the
/// flush moves them to <see cref="QuarantinePath"/> (<see cref="QuarantinedNow"/>, with their line numbers and why), and
/// <see cref="Quarantined"/> counts every line waiting there for a person, from this flush and earlier ones.</summary>
public sealed record AlertFlushResult(int Delivered, int Remaining, string? ErrorCode, string? ErrorMessage)
{
    /// <summary>Lines in the quarantine file (this flush's and earlier ones'): alerts that were never sent.</summary>
    public int Quarantined { get; init; }

    /// <summary>The lines this flush moved to the quarantine file.</summary>
    public IReadOnlyList<QuarantinedLine> QuarantinedNow { get; init; } = [];

    /// <summary>The quarantine file (<c>&lt;environment&gt;.quarantine.jsonl</c> next to the outbox).</summary>
    public string? QuarantinePath { get; init; }
}

/// <summary>
/// Sends alerts after an operation's outcome is known. <see cref="SendAsync"/> never throws and never reverses
/// anything: the alert is written to the <see cref="AlertOutbox"/> first (durably), then published, and removed from
/// the outbox once SNS took it; a failed or stopped publish leaves it there for <see cref="FlushAsync"/>, so a crash at
/// any point between the operation's Completed audit row and SNS loses no alert. <see cref="FlushAsync"/> re-publishes
/// pending alerts oldest first and records each one as delivered (durably) only after its publish succeeded, so each
/// goes out once; a crash between a publish and that record can re-send that single alert, with the same alertId in
/// its body for receivers to drop the duplicate.
/// </summary>
public sealed class AlertSender : IDisposable
{
    private readonly SnsPublisher _publisher;
    private readonly Func<string, SnsPublisher>? _publisherForRegion;
    private readonly bool _ownsPublisher;

    /// <param name="publisherForRegion">A publisher for another Region's topic (a queued alert whose topic is not
    /// <paramref name="topicArn"/>'s Region, after the configuration changed); null publishes every alert with
    /// <paramref name="publisher"/>.</param>
    public AlertSender(SnsPublisher publisher, string topicArn, AlertOutbox outbox, bool ownsPublisher = false,
        Func<string, SnsPublisher>? publisherForRegion = null)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentException.ThrowIfNullOrWhiteSpace(topicArn);
        ArgumentNullException.ThrowIfNull(outbox);
        (_publisher, TopicArn, Outbox, _ownsPublisher, _publisherForRegion) = (publisher, topicArn, outbox, ownsPublisher, publisherForRegion);
    }

    /// <summary>The publisher for a topic: SNS takes a Publish only in the topic's own Region.</summary>
    private SnsPublisher PublisherFor(string topicArn) =>
        _publisherForRegion is not null && TopicRegion(topicArn) is { } region && TopicRegion(TopicArn) != region
            ? _publisherForRegion(region)
            : _publisher;

    /// <summary>A sender for a session's environment: its alert topic, published in the topic's own Region with the
    /// session's clients and credentials, with the environment's outbox in the default data directory; null when the
    /// environment has no alert topic. The publisher belongs to the session (disposed with it).</summary>
    public static AlertSender? ForSession(KeyMgmtSession session, AlertOutbox? outbox = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.EnvironmentInfo.AlertTopicArn is not { Length: > 0 } topic) return null;
        var publisher = session.Clients.Sns(TopicRegion(topic) ?? session.Region);
        return new AlertSender(publisher, topic, outbox ?? AlertOutbox.ForEnvironment(session.Environment),
            publisherForRegion: session.Clients.Sns);
    }

    /// <summary>The Region an SNS topic ARN names (arn:aws:sns:REGION:ACCOUNT:NAME), or null.</summary>
    public static string? TopicRegion(string topicArn) =>
        topicArn.Split(':') is { Length: 6 } parts && parts[2] == "sns" && parts[3].Length > 0 ? parts[3] : null;

    public string TopicArn { get; }
    public AlertOutbox Outbox { get; }

    /// <summary>Outbox first (durably), then publish, then the delivery is recorded in the outbox's delivered log. A failed or stopped publish leaves it queued for <see cref="FlushAsync"/>. Never throws.</summary>
    public async Task<AlertSendResult> SendAsync(KeyAlert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        string subject, body;
        try
        {
            (subject, body) = (alert.Subject, alert.Body);
        }
        catch (Exception ex)
        {
            return new AlertSendResult(alert.AlertId, AlertDelivery.Lost, null, "InvalidAlert", ex.Message, Outbox.OutboxPath);
        }
        string? outboxError = null;
        try
        {
            Outbox.Append(new PendingAlert(alert.AlertId, TopicArn, subject, body, DateTimeOffset.UtcNow, null));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            outboxError = ex.Message;
        }
        var published = cancellationToken.IsCancellationRequested
            ? SnsPublishResult.Failure("Canceled", "The publish was stopped before it was sent.")
            : await _publisher.PublishAsync(TopicArn, body, subject, alert.MessageAttributes, cancellationToken).ConfigureAwait(false);
        if (published.Succeeded)
        {
            if (outboxError is null) TryRemove(alert.AlertId);
            return new AlertSendResult(alert.AlertId, AlertDelivery.Published, published.MessageId, null, null, Outbox.OutboxPath);
        }
        if (outboxError is null)
            return new AlertSendResult(alert.AlertId, AlertDelivery.Queued, null, published.ErrorCode, published.ErrorMessage, Outbox.OutboxPath);
        return new AlertSendResult(alert.AlertId, AlertDelivery.Lost, null, published.ErrorCode,
            $"{published.ErrorMessage} The outbox {Outbox.OutboxPath} could not be written either: {outboxError}", Outbox.OutboxPath);
    }

    /// <summary>Records a published alert as delivered (<see cref="AlertOutbox.Remove"/>). If that fails (or the process
    /// dies first), a later flush sends it once more with the same alertId, which receivers use to drop the duplicate.</summary>
    private void TryRemove(string alertId)
    {
        try
        {
            Outbox.Remove(alertId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
        }
    }

    /// <summary>Re-publishes pending alerts oldest first; a transient failure stops the flush (kept, order preserved), a
    /// permanent one (<see cref="IsPermanent"/>) keeps that alert and goes on with the next. Lines that are not a
    /// pending alert are moved to the quarantine file and reported (<see cref="AlertFlushResult.Quarantined"/>). Each
    /// delivery is recorded durably before the next publish, so a crash re-sends at most the one alert in flight. Never
    /// throws for AWS, network or outbox errors.</summary>
    public async Task<AlertFlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        SnsPublishResult? failure = null;
        try
        {
            var drained = await Outbox.DrainAsync(async pending =>
            {
                var attributes = KeyAlert.FromBody(pending.Body)?.MessageAttributes ?? [];
                var result = await PublisherFor(pending.TopicArn).PublishAsync(pending.TopicArn, pending.Body, pending.Subject, attributes, cancellationToken).ConfigureAwait(false);
                if (result.Succeeded) return DrainStep.Delivered;
                failure = result;
                return IsPermanent(result) ? DrainStep.Kept : DrainStep.Stop;
            }).ConfigureAwait(false);
            return new AlertFlushResult(drained.Delivered, drained.Remaining, failure?.ErrorCode, failure?.ErrorMessage)
            {
                Quarantined = drained.QuarantineTotal, QuarantinedNow = drained.Quarantined, QuarantinePath = Outbox.QuarantinePath,
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new AlertFlushResult(0, -1, "OutboxUnavailable", $"The outbox {Outbox.OutboxPath} could not be read: {ex.Message}")
            {
                QuarantinePath = Outbox.QuarantinePath,
            };
        }
    }

    /// <summary>An error that a retry in a moment will not cure (a missing topic, a refused parameter, no permission).</summary>
    public static bool IsPermanent(SnsPublishResult result) =>
        result.StatusCode is >= 400 and < 500 && result.ErrorCode is not ("Throttling" or "ThrottlingException" or "RequestExpired");

    public void Dispose()
    {
        if (_ownsPublisher) _publisher.Dispose();
    }
}

using System.Globalization;
using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Kms;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Routing;
using BuzzKeyMgmt.Sandbox.Signing;
using BuzzKeyMgmt.Sandbox.Sns;
using BuzzKeyMgmt.Sandbox.Sts;

namespace BuzzKeyMgmt.Sandbox;

/// <summary>
/// A local AWS-compatible endpoint (KMS awsJson1_1, STS and SNS awsQuery) running inside the current process on
/// 127.0.0.1. Every request must carry a valid SigV4 signature made with credentials this sandbox issued
/// (<see cref="Root"/>, <see cref="Users"/>, or temporary credentials from its STS AssumeRole), scoped to one of the
/// <see cref="Regions"/> it serves. <see cref="KmsOnlyEndpoint"/> answers KMS only, like a KMS VPC endpoint.
/// </summary>
/// <example>
/// <code>
/// using var sandbox = SandboxServer.Start(new SandboxOptions());
/// var kms = new AmazonKeyManagementServiceClient(new BasicAWSCredentials(sandbox.Root.AccessKeyId, sandbox.Root.SecretAccessKey),
///     new AmazonKeyManagementServiceConfig { ServiceURL = sandbox.Endpoint, AuthenticationRegion = sandbox.Region });
/// </code>
/// </example>
public sealed class SandboxServer : IDisposable
{
    private readonly LoopbackHttpServer _http;
    private readonly LoopbackHttpServer _kmsOnlyHttp;
    private readonly ServedRegions _regions;
    private readonly Dictionary<string, ServedRegions> _members = new(StringComparer.Ordinal);
    private readonly SandboxServices _services;
    private readonly IdentityStore _identities;
    private readonly MfaVerifier _mfa;
    private readonly TimeSpan _dateSkew;
    private volatile bool _enforceQuotas;
    private volatile DateStamp? _date;

    private sealed record DateStamp(long Second, string Text);

    private SandboxServer(SandboxOptions options)
    {
        AccountId = options.AccountId;
        Region = options.Region;
        _enforceQuotas = options.EnforceQuotas;
        _dateSkew = options.DateHeaderSkew;
        Clock = new SandboxClock();
        _identities = new IdentityStore(AccountId);
        _mfa = new MfaVerifier(Clock);
        Faults = new FaultInjector();
        _regions = new ServedRegions([Region, .. options.AdditionalRegions], AccountId, Clock, options.OnDemandRotationDuration);
        foreach (var member in options.MemberAccounts)
        {
            if (member == AccountId || _members.ContainsKey(member)) continue;
            _identities.AddMemberAccount(member);
            _members[member] = new ServedRegions(_regions.Names, member, Clock, options.OnDemandRotationDuration);
        }
        Kms = _regions.Primary.Kms;
        if (options.AuditDigestKey) AuditDigestKeyArn = Kms.AddAuditDigestKey();
        _services = new SandboxServices
        {
            AccountId = AccountId, Regions = _regions, MemberAccounts = _members, Identities = _identities,
            Verifier = new SigV4Verifier(_identities, _regions.Serves, Clock), Faults = Faults, Requests = new RequestCounter(),
            EnforceQuotas = () => _enforceQuotas, Sts = new StsService(_identities, _mfa, Clock),
            Iam = new Iam.IamService(_identities, Clock),
        };
        _http = new LoopbackHttpServer(options.Port, new RequestPipeline(_services).HandleAsync, RequestPipeline.FramingError, DateHeader,
            options.RequestTimeout);
        try
        {
            _kmsOnlyHttp = new LoopbackHttpServer(0, new RequestPipeline(_services, kmsOnly: true).HandleAsync, RequestPipeline.KmsFramingError,
                DateHeader, options.RequestTimeout);
        }
        catch
        {
            _http.Dispose();
            throw;
        }
        Port = _http.Port;
        Endpoint = $"http://127.0.0.1:{Port}";
        KmsOnlyEndpoint = $"http://127.0.0.1:{_kmsOnlyHttp.Port}";
    }

    /// <summary>Starts listening on 127.0.0.1 (<see cref="SandboxOptions.Port"/> 0 = a free port).</summary>
    public static SandboxServer Start(SandboxOptions? options = null)
    {
        options ??= new SandboxOptions();
        if (options.Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be 0–65535.");
        if (string.IsNullOrWhiteSpace(options.AccountId) || options.AccountId.Length != 12 || !options.AccountId.All(char.IsAsciiDigit))
            throw new ArgumentException($"AccountId must be 12 digits, got '{options.AccountId}'.", nameof(options));
        if (options.RequestTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestTimeout, "RequestTimeout must be positive.");
        if (string.IsNullOrWhiteSpace(options.Region)) throw new ArgumentException("Region is required.", nameof(options));
        foreach (var extra in options.AdditionalRegions ?? throw new ArgumentException("AdditionalRegions cannot be null (empty serves Region alone).", nameof(options)))
            if (string.IsNullOrWhiteSpace(extra) || extra.Any(c => char.IsWhiteSpace(c) || c is ':' or '/'))
                throw new ArgumentException($"AdditionalRegions holds '{extra}', which is not a Region name.", nameof(options));
        foreach (var member in options.MemberAccounts ?? throw new ArgumentException("MemberAccounts cannot be null (empty: none).", nameof(options)))
            if (member is null || member.Length != 12 || !member.All(char.IsAsciiDigit))
                throw new ArgumentException($"MemberAccounts holds '{member}', which is not a 12-digit account id.", nameof(options));
        if (options.OnDemandRotationDuration < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.OnDemandRotationDuration, "OnDemandRotationDuration cannot be negative.");
        return new SandboxServer(options);
    }

    /// <summary>Base URL for SDK clients' ServiceURL, e.g. http://127.0.0.1:50123: KMS, STS and SNS in every served Region.</summary>
    public string Endpoint { get; }
    public int Port { get; }

    /// <summary>
    /// Base URL of a second listener (always on a free port) that answers like a KMS VPC endpoint: KMS requests exactly as
    /// <see cref="Endpoint"/> serves them (same keys, signatures, quotas, faults and counts), and anything else (an STS or SNS
    /// awsQuery request such as GetCallerIdentity) with 400, Content-Type application/x-amz-json-1.1 and the body
    /// <c>{"__type":"UnknownOperationException"}</c>, no message, whatever the request's signature.
    /// </summary>
    public string KmsOnlyEndpoint { get; }
    public string AccountId { get; }

    /// <summary>The primary Region (<see cref="SandboxOptions.Region"/>): that of <see cref="Kms"/>, <see cref="AlertTopicArn"/> and seeding.</summary>
    public string Region { get; }

    /// <summary>
    /// Every Region served, primary first (<see cref="SandboxOptions.Region"/> then <see cref="SandboxOptions.AdditionalRegions"/>).
    /// A request's SigV4 credential scope picks its Region; each has its own KMS keys and quotas and its own SNS topics,
    /// while identities, STS, the clock, faults and <see cref="RequestCount(string)"/> are shared.
    /// </summary>
    public IReadOnlyList<string> Regions => _regions.Names;

    /// <summary>The member accounts (<see cref="SandboxOptions.MemberAccounts"/>), in the order given, without repeats.</summary>
    public IReadOnlyList<string> MemberAccounts => _members.Keys.ToList();

    /// <summary>The ARN of a BuzzKeyMgmt role ("Admin", "Emergency", "Recovery") in this account or a member account.</summary>
    /// <exception cref="ArgumentException">Not a role kind, or not an account of the sandbox.</exception>
    public string RoleArnIn(string accountId, string role)
    {
        if (!Enum.TryParse<RoleKind>(role, ignoreCase: false, out var kind) || !Enum.IsDefined(kind))
            throw new ArgumentException($"No role '{role}': Admin, Emergency or Recovery.", nameof(role));
        RequireAccount(accountId);
        return _identities.Role(kind, accountId).Arn;
    }

    /// <summary>The emulated KMS of an account (this one or a member account) in a served Region.</summary>
    /// <exception cref="ArgumentException">Not an account of the sandbox, or a Region it does not serve.</exception>
    public KmsService KmsIn(string accountId, string region) => RequireAccount(accountId).Require(region, nameof(region)).Kms;

    /// <summary>The default SNS topic "buzzkeymgmt-alerts" of an account (this one or a member account) in a served Region.</summary>
    public string AlertTopicArnIn(string accountId, string region) => RequireAccount(accountId).Require(region, nameof(region)).Sns.DefaultTopicArn;

    private ServedRegions RequireAccount(string accountId) =>
        accountId == AccountId ? _regions
        : accountId is not null && _members.TryGetValue(accountId, out var member) ? member
        : throw new ArgumentException($"The sandbox has no account '{accountId}'. Accounts: {string.Join(", ", [AccountId, .. _members.Keys])}.", nameof(accountId));

    /// <summary>The account root (all permissions) with its access key and MFA device.</summary>
    public SandboxPrincipal Root => _identities.Root;
    /// <summary>IAM users "operator", "approver1", "approver2" (KMS read, STS, SNS) and "trainee" (no KMS permission); each may assume the three roles.</summary>
    public IReadOnlyList<SandboxPrincipal> Users => _identities.Users;
    /// <summary>The IAM user with the given name ("operator", "approver1", "approver2").</summary>
    public SandboxPrincipal User(string name) => Users.FirstOrDefault(u => u.Name == name)
        ?? throw new ArgumentException($"No sandbox user '{name}'. Users: {string.Join(", ", Users.Select(u => u.Name))}.", nameof(name));

    /// <summary>arn:aws:iam::ACCT:role/BuzzKeyMgmtAdmin — read + rotation, create, aliases, tags; no MFA required.</summary>
    public string AdminRoleArn => _identities.Role(RoleKind.Admin).Arn;
    /// <summary>arn:aws:iam::ACCT:role/BuzzKeyMgmtEmergency — read + DisableKey, ScheduleKeyDeletion; MFA required.</summary>
    public string EmergencyRoleArn => _identities.Role(RoleKind.Emergency).Arn;
    /// <summary>arn:aws:iam::ACCT:role/BuzzKeyMgmtRecovery — read + EnableKey, CancelKeyDeletion, Encrypt, Decrypt, GenerateDataKey; MFA required.</summary>
    public string RecoveryRoleArn => _identities.Role(RoleKind.Recovery).Arn;
    /// <summary>
    /// The alias of the account's audit digest key in the primary Region, "alias/buzzkeymgmt-audit-digest": an ECC_NIST_P256
    /// signing key made when the sandbox starts with <see cref="SandboxOptions.AuditDigestKey"/> (Start-KeyMgmtSandbox does)
    /// and tagged BuzzKeyMgmtPurpose=audit-digest, with which the three roles and the IAM users other than "trainee" (the
    /// identities that write audit rows) may Sign and GenerateMac, and every identity with KMS read may Verify and
    /// GetPublicKey. The sandbox environments sign their audit digests with it.
    /// </summary>
    public string AuditDigestKeyAlias => KmsService.AuditDigestAlias;

    /// <summary>The ARN of the key <see cref="AuditDigestKeyAlias"/> names; null when the sandbox was started without it.</summary>
    public string? AuditDigestKeyArn { get; }

    /// <summary>Serial of the root's virtual MFA device.</summary>
    public string MfaSerial => Root.MfaSerial;
    /// <summary>The primary Region's default SNS topic "buzzkeymgmt-alerts", present from the start.</summary>
    public string AlertTopicArn => _regions.Primary.Sns.DefaultTopicArn;

    /// <summary>The default SNS topic "buzzkeymgmt-alerts" of a served Region (every one has it from the start).</summary>
    /// <exception cref="ArgumentException">The sandbox does not serve <paramref name="region"/>.</exception>
    public string AlertTopicArnIn(string region) => _regions.Require(region, nameof(region)).Sns.DefaultTopicArn;

    /// <summary>The sandbox's time (real time plus whatever <see cref="SandboxClock.Advance"/> added).</summary>
    public SandboxClock Clock { get; }

    /// <summary>
    /// The 6-digit TOTP code to type now for an MFA device (root's device when null): a code the sandbox's STS AssumeRole
    /// accepts right now. Codes are single-use, as on AWS: AssumeRole refuses a code whose 30-second time step is at or below
    /// the last one accepted for the device. So this returns the code of the current step, or of the next step when the
    /// current one was used (both are inside the ±1 step window). When both were used, it moves <see cref="Clock"/> forward
    /// just far enough that a fresh step is inside the window (to the start of the next step: at most 30 seconds) and
    /// returns that fresh step's code: like waiting for the authenticator's next code, without the wait. Session expiry
    /// and key windows follow the clock too. Getting a code does not use it (only a successful AssumeRole does), so two
    /// callers given the same code cannot both assume a role with it.
    /// </summary>
    /// <exception cref="ArgumentException">No sandbox MFA device has that serial.</exception>
    public string GetMfaCode(string? serialNumber = null)
    {
        var owner = MfaOwner(serialNumber);
        return _mfa.CodeToType(owner.MfaSerial, owner.MfaSecretBase32);
    }

    /// <summary>
    /// What an MFA device displays at this instant (the current 30-second step's code at the sandbox clock), whether or not
    /// that code was already used; for showing a reused code being refused. Use <see cref="GetMfaCode"/> for a code that works.
    /// </summary>
    /// <exception cref="ArgumentException">No sandbox MFA device has that serial.</exception>
    public string CurrentMfaCode(string? serialNumber = null) => _mfa.CurrentCode(MfaOwner(serialNumber).MfaSecretBase32);

    private SandboxPrincipal MfaOwner(string? serialNumber) =>
        serialNumber is null ? Root : _identities.PrincipalByMfaSerial(serialNumber)
            ?? throw new ArgumentException($"No sandbox MFA device '{serialNumber}'.", nameof(serialNumber));

    /// <summary>Every SNS message published so far in any Region, in order (<see cref="PublishedMessage.Region"/> tells whose topic).</summary>
    public IReadOnlyList<PublishedMessage> Messages => _regions.Messages.ToArray();

    /// <summary>Injected faults (throttling, internal errors, timeouts, latency, dropped connections).</summary>
    public FaultInjector Faults { get; }

    /// <summary>
    /// How many requests reached the sandbox for <paramref name="target"/>, named as in fault rules: "KMS.DescribeKey",
    /// "STS.AssumeRole", "SNS.Publish" (service case-insensitive). A request counts once its SigV4 signature is valid and it
    /// names a known operation, before faults, latency, quotas and permissions: a request then refused (injected fault,
    /// throttling, access denied, invalid MFA code, bad parameters) counts; one refused for its signature, framing, method,
    /// action or version does not. Only HTTP requests count (not in-process calls such as <see cref="SeedKeys"/>); counts
    /// only grow, from 0 when the sandbox starts.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not an operation the sandbox serves.</exception>
    public long RequestCount(string target) => _services.Requests.Get(target);

    /// <summary>
    /// How many of the requests <see cref="RequestCount(string)"/> counts for <paramref name="target"/> were signed for
    /// <paramref name="region"/> (the SigV4 credential scope's Region).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not an operation the sandbox serves, or the sandbox does
    /// not serve <paramref name="region"/>.</exception>
    public long RequestCount(string target, string region)
    {
        _regions.Require(region, nameof(region));
        return _services.Requests.Get(target, region);
    }

    /// <summary>A snapshot of every non-zero <see cref="RequestCount(string)"/> (all Regions together), by target ("KMS.DescribeKey" → 3), in name order.</summary>
    public IReadOnlyDictionary<string, long> RequestCounts() => _services.Requests.Snapshot();

    /// <summary>The emulated KMS of the primary Region (<see cref="Region"/>).</summary>
    public KmsService Kms { get; }

    /// <summary>The emulated KMS of a served Region (made on first use, with the same account and clock): its keys and aliases
    /// are that Region's alone, as on AWS.</summary>
    /// <exception cref="ArgumentException">The sandbox does not serve <paramref name="region"/>.</exception>
    public KmsService KmsIn(string region) => _regions.Require(region, nameof(region)).Kms;

    /// <summary>Creates <paramref name="count"/> keys with aliases "&lt;aliasPrefix&gt;N" (fleet seeding) in the primary Region;
    /// returns how many were made. <c>KmsIn(region).Seed(...)</c> seeds another Region.</summary>
    public int SeedKeys(int count, string aliasPrefix, bool rotationMix) =>
        Kms.Seed(count, aliasPrefix, rotationMix);

    /// <summary>Creates <paramref name="count"/> keys with aliases "&lt;aliasPrefix&gt;N" in the given mix (see <see cref="SeedMix"/>)
    /// in the primary Region;
    /// returns how many were made. <see cref="KmsService.KeyFacts"/> tells what each key then is.</summary>
    public int SeedKeys(int count, string aliasPrefix, SeedMix mix) =>
        Kms.Seed(count, aliasPrefix, mix);

    /// <summary>Whether KMS request quotas apply (ThrottlingException "Rate exceeded" when exceeded); each Region has its own buckets.</summary>
    public bool EnforceQuotas { get => _enforceQuotas; set => _enforceQuotas = value; }

    /// <summary>Stops both listeners (<see cref="Endpoint"/> and <see cref="KmsOnlyEndpoint"/>) and closes every open connection.</summary>
    public void Stop()
    {
        _http.Dispose();
        _kmsOnlyHttp.Dispose();
    }

    public void Dispose() => Stop();

    private string DateHeader()
    {
        var now = DateTimeOffset.UtcNow + _dateSkew;
        long second = now.ToUnixTimeSeconds();
        var cached = _date;
        if (cached is not null && cached.Second == second) return cached.Text;
        var text = now.ToString("r", CultureInfo.InvariantCulture);
        _date = new DateStamp(second, text);
        return text;
    }
}

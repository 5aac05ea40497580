using Sprout.Core.Model;

namespace Sprout.Core.Options;

/// <summary>One file's contribution, or the problem that makes Beanstalk ignore it.</summary>
internal sealed record ConfigFileOutcome(IReadOnlyList<OptionSetting> Settings, IReadOnlyList<EbExtensionsSection> Sections, ConfigFileProblem? Problem = null);

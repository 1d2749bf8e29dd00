import type { Platform } from "./chat-user.js";

export interface TenancyOptions {
  /** Teams tenants served: CHASER_TEAMS_TENANTS and a single-tenant bot's own tenant. */
  teamsTenants: string[];
  /**
   * With no Teams tenant listed, whether any tenant is let in. Only for the emulator mode (no app
   * id, loopback only), where no token is checked so any tenant id could be written anyway.
   */
  anyTeamsTenant: boolean;
  /** Slack workspaces served: CHASER_SLACK_TEAMS; the bot token's own is added at start. */
  slackTeams: string[];
}

export type TenancyVerdict = { allowed: true } | { allowed: false; reason: "tenant_not_allowed" | "no_tenant" };

/**
 * Which Teams tenants and Slack workspaces Chaser serves, decided here once for every platform.
 * Adapters pass the tenant or team id the platform gave; nothing else is consulted.
 */
export class Tenancy {
  private readonly teams: Set<string>;
  private readonly slack: Set<string>;

  constructor(private readonly options: TenancyOptions) {
    this.teams = new Set(options.teamsTenants.map(normalise));
    this.slack = new Set(options.slackTeams.map(normalise));
  }

  /** The Slack bot token's own workspace (auth.test), allowed from start. */
  allowSlackTeam(teamId: string): void {
    this.slack.add(normalise(teamId));
  }

  check(platform: Platform, tenantId: string | undefined): TenancyVerdict {
    // The playground is local and its personas are its own; its gate is where it is served.
    if (platform === "web") return { allowed: true };
    if (platform === "teams" && this.teams.size === 0 && this.options.anyTeamsTenant) return { allowed: true };
    if (!tenantId) return { allowed: false, reason: "no_tenant" };
    const allowed = platform === "teams" ? this.teams : this.slack;
    return allowed.has(normalise(tenantId)) ? { allowed: true } : { allowed: false, reason: "tenant_not_allowed" };
  }
}

function normalise(id: string): string {
  return id.trim().toLowerCase();
}

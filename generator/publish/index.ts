// Delivery: commit the generated tree on a deterministic branch and open or update its pull request.
export { PublishError, scrub, type PublishFailure } from './errors.js';
export { Git } from './git.js';
export { prepareBranch, commitAndPush, readRemoteUrl, type BranchInput, type BranchState, type PreparedBranch, type TreeWriter } from './branch.js';
export { GitHubPullRequests, tokenFromEnv, TOKEN_ENV, type GitHubClientOptions, type PullRequestContent, type PullRequestResult } from './github.js';
export { compareUrl, githubRepositoryFromRemote, parseRemoteUrl, parseRepository, webHostOf, GITHUB_API_URL, type GitHubRepository } from './remote.js';
export { runPullRequest, PROVIDERS, type GitHubTarget, type ProviderName, type PullRequestOutcome, type PullRequestRequest } from './flow.js';

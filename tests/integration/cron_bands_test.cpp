// The wrapper's exit bands for every combination of stage outcomes, with stand-in stages: each
// of kzscrape, kznotify and kzupload succeeding, failing with its own code (1..15), failing
// with a code that is not its own (75, 127), reaching its time limit, or dying of SIGKILL.
// The table (README "cron", common to the man page): 0 all succeeded; 100+N scrape and upload
// failed (N upload's own code); 20+N only the scrape; 40+N only the upload; 80+N only notify
// (another failure wins); never 64..78.
#include <future>

#include "integration/cron_stand_in.hpp"

namespace kz::test {
namespace {

struct Outcomes {
  StageOutcome scrape, notify, upload;
};

// The table, written out independently of the script.
int expected_code(const Outcomes& o) {
  if (!o.scrape.failed() && !o.notify.failed() && !o.upload.failed()) return 0;
  if (o.scrape.failed() && o.upload.failed()) return 100 + o.upload.own_code();
  if (o.scrape.failed()) return 20 + o.scrape.own_code();
  if (o.upload.failed()) return 40 + o.upload.own_code();
  return 80 + o.notify.own_code();
}

// The outcome of class `kind` (0 success, 1 own code, 2 other code, 3 time limit, 4 signal);
// `seed` picks which own code (1..15) or other code.
StageOutcome outcome_of(int kind, int seed) {
  switch (kind) {
    case 0:
      return StageOutcome::exits_with(0);
    case 1:
      return StageOutcome::exits_with(1 + seed % 15);
    case 2:
      return StageOutcome::exits_with(seed % 2 == 0 ? 75 : 127);
    case 3:
      return StageOutcome::times_out();
    default:
      return StageOutcome::killed();
  }
}

std::string describe(const Outcomes& o) {
  return "kzscrape " + o.scrape.text() + ", kznotify " + o.notify.text() + ", kzupload " +
         o.upload.text();
}

// Runs each combination in its own folder, four at a time, and checks its code and log.
void expect_bands(const std::vector<Outcomes>& combinations) {
  constexpr size_t parallel = 4;
  for (size_t first = 0; first < combinations.size(); first += parallel) {
    std::vector<std::future<void>> runs;
    for (size_t i = first; i < std::min(first + parallel, combinations.size()); ++i) {
      runs.push_back(std::async(std::launch::async, [&o = combinations[i], i] {
        const StandInRun run(stand_in_folder("_" + std::to_string(i)));
        run.stage("kzscrape", o.scrape);
        run.stage("kznotify", o.notify);
        run.stage("kzupload", o.upload);
        const ProcessResult result = run.run(run.settings());
        const int want = expected_code(o);
        EXPECT_EQ(result.exit_code, want) << describe(o) << "\n" << run.log() << result.err;
        EXPECT_TRUE(result.exit_code == 75 || result.exit_code < 64 || result.exit_code > 78)
            << describe(o) << ": " << result.exit_code;
        // Every stage ran, whatever the one before did, and the log says how each ended.
        for (const char* stage : {"kzscrape", "kznotify", "kzupload"}) {
          EXPECT_TRUE(run.ran(stage)) << stage << ": " << describe(o);
        }
        const std::string log = run.log();
        for (const auto& [stage, outcome] :
             {std::pair{"kzscrape", o.scrape}, {"kznotify", o.notify}, {"kzupload", o.upload}}) {
          std::string said = std::string(stage) + ": ok";
          if (outcome.kind == StageOutcome::Kind::time_limit) {
            said = std::string(stage) + ": failed: time limit of 1s reached";
          } else if (outcome.kind == StageOutcome::Kind::signal) {
            said = std::string(stage) + ": failed: killed by signal 9 (SIGKILL: out of memory?)";
          } else if (outcome.code != 0) {
            said = std::string(stage) + ": failed with exit code " + std::to_string(outcome.code);
          }
          EXPECT_NE(log.find(said), std::string::npos) << said << "\n" << describe(o) << log;
        }
      }));
    }
    for (auto& run : runs) run.get();
  }
}

// Every class combination for the three stages, with kzscrape's class fixed to `scrape_kind`;
// the own codes rotate so that each stage meets every code 1..15 across the sweep.
std::vector<Outcomes> class_combinations(int scrape_kind) {
  std::vector<Outcomes> out;
  for (int notify_kind = 0; notify_kind < 5; ++notify_kind) {
    for (int upload_kind = 0; upload_kind < 5; ++upload_kind) {
      const int seed = scrape_kind * 25 + notify_kind * 5 + upload_kind;
      out.push_back({outcome_of(scrape_kind, seed), outcome_of(notify_kind, seed + 5),
                     outcome_of(upload_kind, seed + 10)});
    }
  }
  return out;
}

TEST(CronBands, ScrapeSucceedsWithEveryNotifyAndUploadOutcome) {
  expect_bands(class_combinations(0));
}
TEST(CronBands, ScrapeFailsWithItsCodeWithEveryNotifyAndUploadOutcome) {
  expect_bands(class_combinations(1));
}
TEST(CronBands, ScrapeFailsWithAnotherCodeWithEveryNotifyAndUploadOutcome) {
  expect_bands(class_combinations(2));
}
TEST(CronBands, ScrapeTimesOutWithEveryNotifyAndUploadOutcome) {
  expect_bands(class_combinations(3));
}
TEST(CronBands, ScrapeIsKilledWithEveryNotifyAndUploadOutcome) {
  expect_bands(class_combinations(4));
}

// Each stage alone failing with each code 1..15.
std::vector<Outcomes> alone_with_each_code(int stage) {
  std::vector<Outcomes> combinations;
  const auto ok = StageOutcome::exits_with(0);
  for (int code = 1; code <= 15; ++code) {
    Outcomes o{ok, ok, ok};
    (stage == 0 ? o.scrape : stage == 1 ? o.notify : o.upload) = StageOutcome::exits_with(code);
    combinations.push_back(o);
  }
  return combinations;
}

TEST(CronBands, ScrapeAloneWithEachCode) {
  expect_bands(alone_with_each_code(0));
}
TEST(CronBands, NotifyAloneWithEachCode) {
  expect_bands(alone_with_each_code(1));
}
TEST(CronBands, UploadAloneWithEachCode) {
  expect_bands(alone_with_each_code(2));
}

// Both scrape and upload failing, with each code of each (the pairs run opposite ways).
TEST(CronBands, BothScrapeAndUploadFailWithEachCode) {
  std::vector<Outcomes> combinations;
  for (int code = 1; code <= 15; ++code) {
    combinations.push_back({StageOutcome::exits_with(code), StageOutcome::exits_with(0),
                            StageOutcome::exits_with(16 - code)});
  }
  expect_bands(combinations);
}

// Without NOTIFY_CONFIG kznotify does not run, and the bands are the same without it.
TEST(CronBands, WithoutNotifyTheBandsAreTheSame) {
  const StandInRun run(stand_in_folder());
  run.stage("kzscrape", StageOutcome::exits_with(3));
  run.stage("kzupload", StageOutcome::exits_with(7));
  run.stage("kznotify", StageOutcome::exits_with(13));
  Settings settings = run.settings();
  StandInRun::set(settings, "NOTIFY_CONFIG", "");
  EXPECT_EQ(run.run(settings).exit_code, 107) << run.log();
  EXPECT_FALSE(run.ran("kznotify"));
}

}  // namespace
}  // namespace kz::test

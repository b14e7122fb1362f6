-- A finding's message in Chinese (the console's default language), and the other elements a
-- comparison across devices (R-CF2) names, as a JSON array of element codes: each reader is
-- shown only those of them it may see, so the stored message names none.
ALTER TABLE config_findings ADD COLUMN message_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE config_findings ADD COLUMN related TEXT NOT NULL DEFAULT '[]';

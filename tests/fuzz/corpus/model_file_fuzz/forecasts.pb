°
I00015dailyarima : 8@BmaseHPZ
seasonal_naive#¸ú$Â?Z
theta)Qiu©„?Z
etsŸ
˙UÂ?Z
arimaÔ*€„?Z
combination-—@ù3.„?bsmoothhxpï¢y
I00015weeklyets 4bsmoothhpâ¢zRhistory of 17 periods is too short for cross-validation (needs 67): ets without itü
I00017dailyarima :8BmaseHPZ
seasonal_naiveî„¨KO¯Â?Z
thetaõç)µ‚?Z
ets\z§‰?„?Z
arima=Œ`Â‚?Z
combination›°É
øÜ‚?bsmoothhxpï¢y
I00017weeklyets 4bsmoothhpâ¢zRhistory of 17 periods is too short for cross-validation (needs 67): ets without itö
I00006dailyets 2MNABmaseHPZ
seasonal_naive+!—s1Ò?Z
thetaı¯ø1Á?Z
etslΩŸ© EÊ?Z
arima≠kQ›GÒÁ?Z
combinationXU#8¢Ê?bsmoothhxpï¢y
I00006weeklyets 4bsmoothhpâ¢zRhistory of 17 periods is too short for cross-validation (needs 67): ets without it
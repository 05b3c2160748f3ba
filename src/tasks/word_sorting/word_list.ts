/**
 * The English word list word sorting problems draw from: every tenth word of the Debian
 * `wamerican` list (SCOWL, size 50; `/usr/share/dict/american-english`), kept to plain lowercase
 * `a`–`z` words of 3 to 12 letters. Source and licence: `README.md` beside this file.
 *
 * @module
 */

const RAW = `
aardvark abandoned abashes abbess abbreviates abdomen abductor abetted abhorrent abjectly able
abnegating abolishes abomination abortionist above abrasively abridgment abrupter abscissas
absenteeism absolutest absorbent abstains abstraction absurdest abuser abuts academia acanthus
acceleration accentuating access accessories acclaims accolade accompanying accordingly accountancy
accretion accumulated accurateness accuser aced ached achievers acidifies acknowledges acoustic
acquiesced acquiring acre acrobatic act activating actor actualizes actuator acutest adaptation
add addicted additions addressee adenoidal adhered adieu adjectives adjourns adjudicator adjust
adjusts admins admirers admitted admonition adopt adore adorns adulate adulterates adulthood
advancement adventitious adverb adversest advertises adviser advocated aeons aerialists aeronautics
affability affection affiliation affirming afflictions afforest afghan aforesaid afterburners
afternoon afterwards age agent aggrandized aggregated aggrieve agism aglitter agonizes agreeing
aground aiding aim airbrushed airfares airiness airliners airport airtight akin alas album alcoholism
ale alga aliases alienates align alined alkalinity allegations allegory allergist alleyway allocate
allotted alloy allured alluviums aloe aloud alphabets alter alternately altho altruist alums
amanuensis amateurish amazon ambiences ambivalence ambulatories ameer amendable amiability amigos
ammunition amoebas amorousness amounting amphetamine amplified ampoules amputation amusement
anaemic analgesia analogy analyzer anarchistic anatomists anchorage anchors ancillary anecdota
anesthesia aneurysm angers angleworm angstrom animal animators anions anneal annihilate annotates
announcing annuals anode anomalous anorexia antacid antagonizing anted antenna anthers anthracite
antibodies anticking antigens antipathetic antiquate antis antitrust ants anybodies anywhere
apathy aphasia aphoristic apocalypse apologies apoplexy apothecaries appalls apparent appearances
appeases appendectomy appertaining applauding applicant appoint apportioned appraisals appreciated
apprehensive apprized appropriate approx apropos aqua aquaplaning aqueous arbiter arbitrators
arbutuses archaism archduke arches architects archway ardor ares argues aright arithmetical
armature armholes armorers armsful arouse arraignments arrant arrival arrogated arsenal arteries
artichoke artier artillery artless asbestos ascends asceticism aseptic ashes aside asks aspens
asphyxiate aspirated aspirins assassin assay assembles assert assessed asseverated assignations
assimilation assn assort assuaging assured astern astir astounds astrological astrophysics asymmetrical
atheist atmosphere atonal atriums attached attain attempting attends attest attires attraction
attribution atwitter audacious audiophile auditions aught auguring aura auricles austerity authorized
autocrat automated automobiles autopsy avail avariciously avenging avers aviaries avidly avoidance
avowing awakened aware awestricken awkwarder awol axis azaleas babbled babier babyish bachelor
backbiters backdated backfire backhands backlogging backpedaling backslash backspaced backstops
backtracking backwoods badder badlands bafflement baggier bailed baited bakes bald baled balking
ballasting balloon ballpark ballsiest balms balustrades banality bandanna bandits bandwagons
banging banister banked bankrupt banning banshees baobab baptists barbaric barbecuing barbering
bard barely bargained baristas barley barnstorm baroness barracudas barrelling barricaded barristers
bartering baseless bases basically basked bassinet bast basting bates bathmat batik batted battery
battlements bauxite bay bayonetting beach bead beaked beanbags bearer beastliest beatifies beau
beautifies beavers beckon bedazzle bedeck bedevils bedraggling bedsides beech beefs beelines
bees befallen befogging befriending begets beginner begrudge beguilingly behead behinds behooving
belay beleaguering believe bell bellicosity bellowing bellybutton beloved bemoan benches benedictions
benefices benevolence benumbed berate bereft berry beseech besieged besoms bespoken bestirring
bestride betaken betided betrayals betrothing bettor beverage bewares bewitching biathlon bibulous
bicuspid bidder biding biffs bigamist bighorns bigots bikinis bilked billets billions bimbo
binderies binging bins biographical biophysicist bipartisan birched birdhouse birdwatchers birthmark
birthstones bisects bisons bitching bitten bittersweets biweekly blackballed blacked blackheads
blacklists blacks bladders blameworthy blandest blanketing blarney blaspheming blasts blazing
bleaches bleary bleeds blenched bless blight blindest blindside blinkers blissfully blitz bloating
blockaded blockhead bloggers blood blooding bloodstains bloomer blot blotter blowgun blowtorch
blubbers bluebird bluejackets blues bluing blunted blurred blush blustery boardrooms boastful
boatman bobbins bobs boded bodkins bogeying boggles bogus boilings bold boll bolting bombards
bombshells bondsman boney bongos bonnets boob boogied bookie bookmaker bookseller boom boondoggle
boost bootee bootleggers boozer bops borderlines born borrows bossiest botanists bothers bottom
bough bounced boundary bountiful boutiques bowel bowler bowstrings boxwood boyish braced brackish
braggers brained brainteasers brake branched brandishes brashness brattier bravest brawling
brays breached breads breakdown breakpoints breasted breathe breaths breeds brethren brewing
brickbat bride bridges briefed brig brightened brilliant brindled briny briskets bristling broaching
broaden broadside broccoli broilers brokers bronco brooch brooking brotherhood browbeaten brownish
browsers bruises brunt bruskness brutalized bubbles buckboard buckeyes bucksaw buckyballs budged
budgies buffer buffoonery buggers bugles buildups bulgiest bulkier bulldogs bulletined bullfights
bulling bullshit bum bummer bumping bunches bunged bungs bunks buoy burbles bureaucrat burger
burglars buries burliness burnishing burped burrow bursted bused bushes bushwhacker business
bust busy butchered butte butterflying buttery buttonholing buyer buzzer byelaws bypasses byway
cabarets cabinetmaker cablegrams cached cacophonous caddied cadets cads cafeteria cageyness
cairns cakes calcifies calculate calculuses caliber calico caliphate call calliopes callousness
calmed calorific calving cambering camellia camerawomen campaign camper camps canal cancelation
candelabra candidness candor canisters cannery canniness cannoning canon canopy cantatas cantilever
cants canvassers capacious caparisons capital capitol capons capsize captain captious captor
caramel carbide carbonation carcasses cardiac cardiology career caregiver caret caribous carjack
carnal carnivorous carols caroused carped carpetbagged carps carries carryout carting cartoons
carver cascades casework cashiered casket cassettes castaway castigation castoffs casual cataclysm
catalog catalogues catalyzes catarrh catcall catchier catechise categorical caterers catfish
catheters catnapped cattiest caucus cauliflower causally caustic cautioning cavalry cavernous
cavils cawing cedar celebrant celebrity cellar cellulars cenotaph censorship centaur centerfold
centigrams centralize centrifuging ceramic cerebrums certainties certitude cesium chads chafing
chains chairman chalet chalking chamberlain chamois championed chancellors chandeliers changes
chanter chaos chaperoned chapped charade charged charioteers charlatans chars charwoman chasms
chastise chats chattering chauffeuring cheapens cheaters checkering checkouts cheekbone cheep
cheerfulness cheers cheesiest chemicals cherishes cherubs chests chews chichis chickpeas chides
chigger childcare childproofs chillers chilly chimney chink chinstraps chippers chirping chiseler
chitchats chivalry chlorine chocolates chokers chompers chop chopping chords chortles chow christens
chronically chronometers chuckhole chugging chumps churchgoer churls chyron cider cilantro cinctures
cipher circlets circularity circulations circumspect cisgender cities citrous civilian civvies
claiming clambering clamoring clan clanks clappers clarinet clash classes classifiable classmates
clavichord clayier cleanliest cleansing clearings cleaver clemency clergyman clerks click cliffhangers
climaxing clinched clingy clinkers clippings clits clobbering clockworks cloistered cloning
closeness closing clothespin clotures clouds cloverleafs clowns clubhouse clueless clumsiness
clunks clutter clxvi coagulate coalesces coarseness coasting coauthored cobbled cobweb cochleae
cockerels cockles cockscomb cocoanuts codas codependency codicil coeds coercion coffeecake coffined
cogitating cognomen cohabits cohesively coiffures coinages coining colander colic collages collaring
colleagues collective colleens collie collocates colloquium colognes colonies colonnade colored
colossi columned combatants combine combustion comedown comestible comfortably comically commanded
commandoes commences comment commenting commiserate commissioner committees commoner communal
communicates communists commutes compactor comparative compass compel compensates competent
compilations complacently complaints completeness complexions complicity components composers
composted comprehend comprise compulsion computations comrade conceal conceited concentrates
concerning concertos conciliated conciser conclusive concord concreting concurring condensation
condiment condo condominiums conduced conductor confabs conferences confessedly confidante confides
confinements confiscated confluent confound confusedly confutes congenial congests congressman
conifer conjoined conjugations conjurers connected connectors conniving connubial cons consecrate
consent conservative considerable consignments consolation consonances conspicuous constables
constipation constrained constrictor constructs consult consumables consummates contacting containment
contemplates contending contents contiguity continua continuity contorts contraction contrails
contrary contribute contrition controller contumely conurbations convenience converge conversed
convertible conveyances convicting conviviality convoy convulsive cookeries cool coolly cooperates
coordinate cooties copiers copperhead copses copulation copyrighting corals cordon corespondent
corkscrews corncobs cornerstones corning cornucopia coronary corpora corpulence correct correctives
correlations corroborates corrugates corruption corseted coruscates cosigning cosmogony cosmoses
costars costumed cotillions cottonmouths couch could councilwomen counsels counter countermands
countersigns countries county couplings coursed courtesies courtly cove coveralls coves cow
cowed cowhides cowpoke coxcombs cozen crab crackdown crackled cradled crafts crammed craned
cranked cranny crash crated craved crawl crayola crazier creakiest creamier create creativeness
credenza creditor creek creepiness crematoria creosoting crest crevice cribbed cricks criminology
cringed crinoline crisped crisscross criticisms critter croci croissant crookedly crop crosiers
crossbreed crossfires crossroads crotchet croupiest crowdfunds crozier crucifixion crude crueller
crufty crumbed crumbly crumples crusade crust crutches cryptic crystalizing cubed cubit cucumbers
cudgeled cuff cullender culotte cultivating culturing cumquats cunningest cupfuls cur curb cure
curios curlews curly currently currycombing cursorily curtails curtseyed curvatures cushion
cussed customarily cutback cuticle cutouts cutup cyberspace cycling cylinder cynosure czarina
dabbles dactyls daffier dahlia daiquiri daises dallying damasking damndest dampens damsels dandelions
dandy danker dappling darkened darlings darted dashing datelined dauber dauntlessly dawdler
daybeds daylights dazzling deactivates deadens deadlocking deafened dealerships dearly deathless
debar debase debaters debentures debiting debs debugs decadence decamped decapitated decease
deceive deceleration decibel decimate decision deckle declaration declension decoded decomposed
decorates decorum decreed decried dedications deducting deejays deeper deescalate defamatory
defaults defecates defector defends deference deficiencies defiles definitely deflation defoggers
deforesting defraud defrosted defunct degenerates degrees dehydrated deification deities delaying
delete deleveraging delicate delights delineates delinting delivered delphinium deluges demagnetize
demagogy demean demesne demising democrat demographics demoniac demoralize demotions den denied
denims denotation denouncement density dentistry deny depart dependable dependents depilatory
deplorable deployments deportations deposited depots deprecating depress depressives deprogrammed
deputies derailment deregulate derides derivatives derogates desalinate descendant describable
descriptor desegregated desertion desiccates designation desire desks despair desperadoes despising
despotic destines destroying detach details detected detentions determinate deterrent dethrone
detonations detoxified detractors devaluations develop deviants deviled deviltries devolution
devotes devout dewier dextrously diacritic diagnostic diagramming dialog diametrical diaries
diatribes dichotomy dickeys dictation dictums diehards dietary dietitians differently diffraction
digest digging digits digraphs diked dilatory dill diluting diminished dimly dimpling dines
dinging dinkiest dins dioxide diplomat dipsomania directing directorates dirges dirties disablement
disaffecting disallow disappointed disarming disassemble disavowals disbarred disbursement discernible
disciplinary disclaims discolor discomforted discomposure discontents discotheque discourse
discoveries discreetest discuses disdained disembarking disenchanted disentangles disfranchise
disgruntle disgustedly disheartens dishonest dishpans disincentive disingenuous disinterring
disks dislocations dismantle dismembering dismounted disobliged disorganizes disparaged dispatches
dispense dispersing displacing displeasure disposed disproved dispute disquiets disrespect disruption
dissecting disseminated dissertation dissimulates dissociating dissonances distanced distended
distillates distinct distorter distracts distributes distrustful disunite ditched dittoes divans
diverges diversionary divested dividing divining divisiveness divulged dizziest docent dockets
doctored document dodged dodos dogcatcher doggie doggones dogmata dogtrotting doleful dollies
dolorous domes domiciles domination dominos dongles doodad doom doorman doorways dork dormice
dose dote double doubted douched doughty dove dowdiest down downgraded downloadable downright
downstream downwind doyen drab draconian draftsman dragonfly drainer dramas drams draw drawled
dreaded dreamer dreamy dredges dresser dressmaking driblets drifting drinker drive drives droid
dromedary drooped dropouts droughts drowning drowsing drudges druid drunk dryad dual dubs duckbills
ductless duel dues duke dulled dumbbell dumbwaiter dumpier dunces dungs duns duping duplicity
dusky dusting duties dwarfs dwells dyer dynamical dynastic dyspeptic eaglet earfuls early earners
earplug earthenware earthquake earwax easily easternmost eateries eavesdrops eccentricity eclectic
ecologically economist ecru eddies edgewise edict editable editors educational eeriness effective
effeminate efficiency efforts egalitarians eggplants egoism egregious eigenvalue eightieth ejaculations
eking elapses elbow elders electives electricians electrodes electroplate elemental elevation
elfish eligible elites ellipses elongate elopes elucidating elves emails emancipating embalmed
embargoing embarrassing embellishes embezzling emblematic emboldens embracing embroils emend
emergence emigrant eminent emit emoluments emotionalism empathized emphasizes emplacement employes
empowering emptiness emulations enable enamel encamp encased enchantment encircling encoded
encored encouraging encrusts encumbrances endear endeavors endlessness endorsing endues enema
energizers enfeebled enforcement engagement engineer engraved engulf enhancing enjoyed enlargers
enlistees enmeshed ennui enquiries enrapturing enrollment ensemble ensign ensnaring entailed
enter entertainers enthroned enthusiastic entirely entomb entrance entraps entrenching entryway
enumerating enures enviably envisaged envying epic epidemiology epilepsy episode epithets epoxied
equal equalizing equation equilaterals equipment equivalences equivocation eraser erecting ergs
erotic erratas errs eruption escalations escaping eschewed escutcheons especially espousing
essayist established esters estimation estuaries etchings ethically ethos eucalyptus eunuch
euros evacuees evaluations evangelizes evasively evenly eventuality evergreens everywhere evidences
evillest eviscerating evolutionary exacerbated exactitude exaltation examiners exasperates excavators
excellently excerpt exchanged excisions exciting exclude excoriated excreted exculpating execrate
execution executrixes exempt exert exhaled exhausts exhilarated exhumation exile existing exonerates
exorcises exotic expansion expatriated expected expediencies expediting expend expensive experiments
expiation explains explicating exploit exploratory explosively exporters expository express
expressway expunging extempore extension extenuating externals extinguishes extolls extract
extradites extras extremer extricates extrudes exuding eyeballed eyeing eyepieces eying fabrications
facelifts facetiously facilitates facsimiles factories factually faecal fail faint fairer fairways
faithlessly falcon fallen fallowing falsetto faltered familiarize famished fanatics fancily
fannies fantastic farces farm farmland farted fascinating fashioning fastening fasts fate fathering
fathomless fattened fatuously faultiness fauns fawn fazes fearlessly feasts feature fecundity
federates feebler feedings feet feistiest felled felonies females femurs fender fermentation
ferreted ferryboat fertilizing festered festooned fetchingly fetishistic fetuses feverish fiasco
fiber fiche fictitious fidget field fiends fiesta fifties figment figurine filches filibusters
fillers filliping filmmakers filth filtration finales finance find finer fingerboards fingertips
finishers fins firebombed firecrackers firehouses fireproofing firewalls firmer firstborns fishbowl
fishhook fishtails fisticuffs fitters fixate fixer fizzes fjords flacks flagged flagships flairs
flamage flamer flammable flanneled flapped flashback flashguns flasks flatfishes flatten flatters
flaunted flaw flaying fledgeling fleecing fleetness fleshly flexitime flied flights flimsy flintiest
flipper flirtatious floatations floe floodgate floorboards flopped floral flosses flouncing
flourishes flowcharts flowerpot flubbing fluent fluffy fluky flunkey fluorescent fluorine flushed
fluted flux flyers flyspecked flywheels foams focuses foetus fogging foiled folder folksier
following foments fondly food foolhardy football foothills footmen footrests footwork forages
forbearing force ford forebears forecasting forefather foregathers forehead foremast foreordain
foresee foresight forester foretaste forevermore forfeit forge forgets forgo forklifts formalize
formats formlessly formulating forsakes forsythias fortieth fortnights forty forwent fosters
found foundlings fourfold fourth foxglove foxtrots fracking fracture fragmentary frailer frameworks
franchising frankly fraternity fraudulence frazzles freckle freebees freehand freelances freemen
freeware freezers frenetic frequenter freshened freshness friable fried friends fright frigid
fringes frisking frivolously frizzling frogs frontage frontispiece frosted frothed frowsier
fructify fruitful fruity frustration fuchsia fuddles fuelling fulfill fulled fulminating fumbles
fumigator functioning funereal funicular funneled funnily furious furloughs furor furrows furthest
fuses fussed fustiest futurities fuzz fuzzy gabbled gad gads gages gained gaiter galena galleon
gallivanting galls galvanizes gambling gamed gametes gammas ganglia gangrened gannets gaps garbed
gardeners gargoyle garlicky garnished garoting garrisons garrulous gashing gasping gastronomic
gateway gauche gauge gauze gawked gayest gazelle gazetting gears geegaw geez gelded gems genealogies
generalizes generative genes genially geniuses gentians gentleness gentrifies genuine geode
geologic geometries gerbils germinate gerunds gestured gewgaw ghetto ghosts ghouls gibbet giblet
gifts gigged giggly gillions gimme gingersnap ginned girder girlfriends girting gives glad gladiatorial
glamor glamour glanced glaringly glassy gleaming glen gliders glimpses glistened glitters gloating
globs gloomy glory glossiness glow glowworms glum glutting glyph gnashes gnome goalie goatee
gobble goblin goddaughter godliest godsends going goldbricks goldsmith gonad gonged goober goodliest
goofier gooiest gooses gorgeously gorps gossiped gotten gourds govern governor grabbed gracelessly
gradations gradual graft grains granaries grander grandmothers grandstanded granted granule
graphic grapnels grassed grated gratifying graved graver gravitated grayer grease greater greedily
greengrocer greensward grenade greyed grid grief griffin grimaced grimmer grindstone gripes
gristle grizzlier grocers grok groove groping grossness grouchier groundhogs grouped grouses
grovelers growers growth grubstake gruelling gruffly grumpily grunting guarantied guardhouses
guardsman guessed guested guidebook guilds guiltiest guitarist gulled gulp gummier gunfights
gunny gunshots gurgled gushers gust gutless guttersnipe guzzled gymnasia gynecologist gyrated
haberdashers habitual hacked hackneys haemophilia haggle hailed hairbreadth hairdressing hairpiece
hairstylist haler halftime hallelujah halls halogen halters ham hammering hams handball handcraft
handful handicapping handkerchief handmaid handrail handsome handwriting hanger hangover hankies
happening harangued harbor harden hardhearted hardship hare harked harlots harmonic harmonizes
harpies harpsichords harry harvested hashing hassock hastiest hatcheries hateful hats haul haunting
having hawkish hayed haystacks hazelnut hazmat headdresses heading headlining headquarters headwaiter
healed healthiest hearer hearse heartburn heartiest heartstrings heath heaved heavies heckle
hector hedges heedless heeling heifer heinousness heists heliports hellish helot helpings helps
hemlocks hemorrhaging hen henpeck heptagon herbaceous herbs here heresies heritages hero herons
hes hesitations hewing hexameters hibachi hiccoughed hickories hideous hierarchical highboy
highjack highlighter hightails hijackings hilarity hillsides hinder hindsight hinterlands hippo
hires histogram histrionics hitchhiking hivemind hoarders hoarseness hob hobbyhorses hobnobbed
hockey hoed hoggish hokier holdover holidaying hollers holly holography home homelands homeopathic
homerooms homesteading homey homilies homogenizing homosexuals honestly honeydews honeysuckle
honorably hooch hoodooing hoofing hooks hooped hoot hoped hopped horded hormones horns horridly
horsed horseradish horsewhips hosanna hospitably hosted hostels hosting hotelier hotkeys houmus
house housecleans househusband houses hove how howlers hubby huddle huffiest hugest hull humaneness
humanization humanoid humblings humerus humidors hummingbird humorists humping hunches hungering
hunkering hunts hurled hurrayed hurt husbanding huskers hussars hut hyaenas hydrangeas hydrocarbon
hydrometer hydrotherapy hying hyped hyperlinking hyphenated hypnosis hypnotizing hypoglycemia
hypothesize hysterics ibises icecap icing icy idealizes identifier ideographs idiomatic idler
idolatry idylls ignited ignoramus iguanas illegally illicitness illuminated illusions illustrators
imaginations imbalanced imbeds imbuing immaculate immediacy immerses immigrating immobilizing
immolation immortally immunizes imp impairs impaneled impassable impatiently impedance impelling
imperative imperialists imperiously impersonator impieties impishly implausibly implication
implore impoliteness importer impose imposter impounded imprecisely impresarios imprimaturs
improbable improvement imprudence impulse impurer inabilities inadequacies inamoratas inarticulate
inaugurates inbred incantations incarnates incenses inch incidentals incipient incisor inclemency
incloses inclusive incomparable incongruity incorporated increasing incriminate incubated inculcated
incumbent incursion indecisive indelible indemnities indentures indicated indict indigenous
indigo indisputably indolence indorsements inducing inducts indulgently inebriates inefficient
ineptitude inertial inevitably inexplicable infancy infarction infecting inference inferring
infidel infiltrated infinitives inflamed inflates inflects influenced inform informers infringe
infused ingest ingraining ingredients inhabits inhalers inheritance inhibition inimical initialize
initiates injected injure inkblot inkwell inline inning innovate innuendo inoffensive inputs
inquires inroad inscribe insect inseminate insentient inset insidiously insincerity insistence
insoles insouciance inspiration installed instances instigates instils instruct instrumental
insulates insuperable insurgences intaglio integrals intel intend intensifier intent interacting
intercedes intercessor interdicted interfaces interior interlaces interleukin interlopers interment
intermission internecine internist interpolates interpretive interrogates intersecting interstices
intervenes interviews intestines intimidate intonation intoxicates intrench intricately introduces
intruded intrusting inundate invade invalidating invariant inveigled inventoried inversions
investigates inveterate inviolable invites invoked invulnerable iodizing ionospheres irateness
irks ironing irradiating irregulars irreparably irreversible irritable irritations islet isolation
isotropic italicize itchiness iterate itinerants jabbed jabs jacked jackknives jag jail jalopies
jamming japanned jarring jaunted jaw jay jazzes jeep jejune jellybean jeremiad jerks jesters
jettisoned jeweller jibed jiggering jigsawing jilts jingoist jinrikishas jitterier jobbed jockeying
jocularly joggle joiners joke jolliest jonquils jots journal journeyman jowl joyless joyrode
judged judicature juggernaut jugular juiciness juleps jumper junco juniors junkets junta just
justifying juxtapose kahunas karakul kayaked keeled keens kelp kens kestrel kettles keyed keypunches
khakis kibitzing kicking kidders kidnaper kidneys killers kilo kilometers kimonos kindles kinematic
kinglier kinkiest kiosks kisses kites kitty kluged knackwurst kneader kneeing knelt knighted
knitters knocked knolls know knucklehead kook kopecks kowtows lab labium labors lacerated lacing
lacquer lactation laddering ladings ladybugs lagged lairs lamas lambda lamebrain lamented laminating
lampoons lanced landfall landline landmasses landslid languages languors lanterns laps larboards
larding largo larva lasagne lashed lassoed lat lateness latest lathing latterly laudanum laughingly
laundered laundry lavender law lawlessness lawyers layaway layoff laywoman laziness leaching
leafed leafletting leaked leaning leaping leas leashes leave lecherous lecturers leeched leers
lefties leg legalize legation leggiest legionnaire legislators legitimize legume lemma lemurs
lengthens leniently leotards lesbians lesser lethally letterheads leukocytes levellers levering
levitation lexers liaised libel libelous liberals liberties library licencing licentiously licks
liefest life lifelines lifestyles lifts lightened lighting lii likelihoods likest lily lime
limiest limn limper limps lineal lineman lineups lingo lining linkups lints lip lipsticking
liquidate liquidized liquoring lissom listing litchis literati lithographic litigating little
livable livelongs liverwurst lix loader loafer loaner loathing lobbying lobsters localizing
locavores lockjaw locomotion lode lodges lofts loge logically logjams logouts loiterers lolls
loneliness longest longish lookalike looming looniest loops looser lop lopsidedness lordship
losers lots loudmouth louse louvered lovelier lovesick lowered lowliness loyalists lubber lubricates
lucked lucratively lugubriously lumber luminaries lumped lunar lunching lungs lure lurkers lushness
lusting luxuriate lxi lye lynches lyrical macaroon maceration machines mackerels macrologies
madcap made madrasah madwomen maggots magma magnetism magnified magnum maharani maiden mail
mailing mainframe mainmasts mainstreams maizes majorities makeup malapropisms malefactors malfunctions
maligning mallard malnutrition maltreating mambos mammography manageable manatees mandolin maneuvered
mangers mangoes manholes manics manifestly manikins manlier mannerism manor mansion mantis mantras
manumitted maple maraca marauding marches marginalia marimba marinates marjoram marketed marksman
marmot marquetry marries marshaling marsupial martinets marvel mas masculinity masked masons
massacre masseur mastectomy masterpiece masticated masts matchbook matchmaking materialized
mathematics matricides matrons matting maturer matzot maunders mavins maxillary maximizing mayflies
mayors meadow meals meanest meantime measureless meatloaf mechanism medalists meddling mediating
medicates mediocre meditatively meekest megabytes megalomaniac megs melanomas mellowest melodramas
melts mementoes memorandum memorized menacingly menders menials menstruated mentholated menus
mercerizes merchantmen mercy merger merit merrier mesa mesmerism messed messiness metabolisms
metallic metaphysical meted metered methodical metrically mettle mezzanine miasmata microchips
microloan microscopic midair middling midpoint midterms midwifes miff migraine migratory mildew
mileposts milieux militarists militia milking milkweed millepede millimeters millionths milquetoast
mimic minaret mindedness mined minestrone miniaturist minicam minimally minion ministerial mink
minster minuend minutely minx mires misadventure misapply miscalculate miscarrying misconceive
miscounted misdealing misdiagnosis misdoings misfeasance misfitting misguided mishmash misjudgement
misleading mismatching misplacing misquotation misrule missile misspell misstate mistakenly
mistimed mistreatment mistrusts mite mitigation mixes mnemonics mobile mobsters mockery modding
modems modernism modes modifiers modulated modulus moistened moisturizer moldered mole molested
molls molten momentum monarchism monaural moneybags mongolism monikers monkeyshine monogram
monoliths monopolist monosyllabic monotonously monster monthlies moocher moody moonlighter moonshot
moors mopeds moral moralizing morbid moribund morosely mortal mortgage mortice mortise moseyed
mossier mothball mothering motile motivates motleys motorboat motorcyclist motormen motto mountaineers
mountings mourns mousier mousy mouthwashes movers mowing muckier mucky muddled mudslingers muffle
mugged muggy mulched mull mulls multiples multiplicity multitasking mumbled mummifies munchkin
municipality murals murders murmuring muscularity mushier musical musics muskets muss mustache
mustiest mutates mutest mutinied mutters muzzles myriads mystical mythic nabbing nagged nailed
nakedness nanny nape napping narcissuses narrated narrowed nasal nastily nationalists natives
naturalist nature nauseam nautilus navigate nays nearness nebulae necessities necklines nectarine
needled nefariously negatively neglig negotiate neighbored nematodes neon nephritis nerveless
nest netbook netting neural neuroses neutral neutrino newborn newlines newscaster newsman newsstands
niacin nicely nickel nicknamed nigga niggles nightclubbed nightingales nightshirts nimbi nine
ninetieths nipper nit nitrate nixed noblest nod nodules noisemaker nomad nomination nonalcoholic
noncombatant nonentities nonexistent nonmember nonplus nonprofit nonsensical nontaxable nonvoting
noon normality northeast northward nosedived noshes nostrum notarizes notebook notice notifies
notoriously nourished novelettes novices nozzles nucleic nudging nuked numb numbness numerating
numismatic nunnery nurseryman nutcrackers nutrients nutshells nuzzling oafish oarlocks oatmeal
obeisant obfuscated objected objects obligatory obliterate obloquy obscenest obscurities observant
observing obsidian obstetrical obstruction obtruded obverse ocarinas occluded occupation occurrences
ocher octets oculists odds odorless offend offensives office officiated offloading offside ogle
oil oils okayed oldies oligarchs omelette omitted omniscient ones only onslaughts ooze opaqued
openers operable operational opiates opium oppose oppressing opted optimisms optimum optometrists
oral orangutans oratorio orbits orchestrates order ordinance ore organics organizes oriental
orients originated ornament ornery orthodontic orthopaedics oscillation ospreys osteopath ostriches
ouch ousters outbalances outburst outcries outdistanced outermost outfitting outgoes outhouses
outlaw outlined outmaneuver outperform outpouring outrages outreaching outsell outside outsmarted
outspread outstretch outvote outweigh ova over overacts overawing overboard overcame overclocked
overcooks overdose overdress overeating overextends overgrown overhauling overheating overkill
overlays overlooking overpaid overpopulate overprinted overrating overridden overrun overseer
overshare oversight overspend overstating overstocked overtakes overthrew overtook overusing
overworked oviducts ovules owls oxen oxidizes oxymoron pacesetter pacifies packages pacts paddocked
pads paged pagoda painful painstaking paintwork palace palavering paler palindromic pallet palling
palming palpate palpitations pampas panacea pancreatic pandering panelists panhandler paniers
pans pantheon pantomiming papacies paperbacks paperweight papyri parachuted paradigms paragons
parallaxes paralysis paramedic paranoia paraplegia paratroopers parcelling pardoned parenthesis
pariahs parkas parlaying parochial paroles parrakeets parrots parsimonious part partial participial
partied partitions partook pas passageways passersby passives pastas pasteurized pastimes pastry
patched patella paternally pathologist patientest patriarch patrimonies patrolmen patronizing
pattering paunch pauperizing paves pawn paws payer payoffs peaceable peach peaking pearled peasants
peccadillo pectin pedagogs pedant peddling pediatrics pediment peekaboo peeped peered peevishly
pekoe pelt penalize penchants pended penetrate penile penitently pennants penologist pensive
pentathlons peons peppercorns peppiest perambulates percentage perceptively percolating perennials
perfects perforce perfumed perigee perilous periodicity periphrasis peritoneum perjurers perking
permeable permissions permute peroxides perpetually perplexes persecution persimmon person personalizes
perspectives persuaded pertaining perturb perusing perversions pesky pestered pestles petering
petitioning petrolatum pettifogger petulantly phage phantasies pharmacist phased phenotype philanders
philistines philosophies phlebitis phoebe phonetic phonically phonological phosphoric photoed
photons phrenology physicists pianissimo piazze pickabacked pickerel pickings picky pictorially
piddling piecework piercings pigeonholing piggyback pigmies pigtails pilaffs pile pilfers pillages
pilloried pills pimientos pimply pinches pinfeathers pinion pinkies pinochle pinstripes pinwheeling
piped pippin piques pirouette pistachio pita pitchforks pithiest pitilessly pity pixies pizzicatos
placation placental placket plague plainest plait planetaria planks plantains plaques plasticity
plateful platforms platter play playboy playground playoffs plaza pleasant pleasing pleated
pled plentiful pliant plod plonks plotting plowed plucked plugin plumbings plump plunderer plunk
plurality plushest plutonium poaches pocketing pod podium poetical poinsettia pointillist poising
poke poky pole police policyholder polite politicians polity pollinates pollutants polo polyamory
polygon polymath polyphony polytheists pommeling pompon pondered ponies ponytail poohing poor
popgun poppas popularity population porcupine pornographic porringer portal portentous portholes
portliest portraiture poser posit positives possesses possible postcards poster postings postmen
postponement posture potassium potentate pothole potpourri pottered pouch pounced pours powdery
powerless practicably practised prairies pranced prated prawned preached preambles precede precepts
precipitants precisest precognition predating predefined predicates predictions predominant
preemption preexisting prefacing preferences prefix preheats prejudice premarital premieres
premiums preoccupying prepaid prepaying prepossesses prequel prerogatives prescience present
preservative preshrank president pressman prestige presumption pretence pretension prettier
prettying prevaricated preventive previously priceless prickled prides priestliest primaries
primeval primp princes print prior priors prissiest privater privets prized probables probe
proboscises processed proclaimed procreation procurement prodigals produces profanation professed
proffered profiling profits profundities prognoses programme progresses prohibitions projections
prolific prolonged prominently promontories promotional promptness proneness pronouncing proofreads
propagation propelling property prophetic propitiatory propose propounds propulsive prosceniums
prosecuting proselytized prospector prosperously prostituting protagonists protectorate protester
protoplasm protracted protrusion prove provide province proviso provost prows prudes prying
pshaws psychiatrist psychologies psychotics pubescence publicity publishers pucks pueblo puffiest
pugilistic pulchritude pulleys pulpier pulsated pulverized pummelled pumpkins punchy puncture
puniest punker punter pupil puppy pure purest purification puritan purloining purportedly purposing
pursing pursuits pus pushiness pussies pustules putrid puttied puzzlers pylons pyromania quack
quadrants quadriplegia quads quahogs quake qualitative quantifiers quarantines quarrelsome quarterdecks
quartettes quashing quays queenliest queers queries questing queue quiche quickies quiescent
quietus quince quintuples quirk quite quixotic quoits quoted rabbis raccoons racers racily racketeer
racoon radially radiations radioed radish raffles ragamuffin raggediest rags raids railroads
raindrop rainmakers raising rakish rambler rammed ramparts ranched randier randoms ranginess
rankled ransomed rapaciously rapids rapping rare rarest rashes rasping rated rating rationality
rats rattlers ratty ravages raven ravings rawboned razes reached reactivated readable readiness
readmitted reaffirms realistic reallocate realtors reanimates reappearing reapportion reared
rearranges reasons reassessed reassure rebated rebels rebounds rebuilt rebuttals recantations
recaptured receding receivership receptionist recessing recharges recipes recital reckless reclaiming
reclines recognized recollecting recommencing recompiled reconfigure reconquering reconvenes
recording recoups recreants recriminates rectangle rectilinear recuperated recurring recycles
reddened rededicate redeems redeployment redhead rediscovered redo redoubt redrafts reds redundancy
reeducated reefs reelections reemphasized reenforces reentries reeving refectories referencing
refers refilling refiner refit reflector refocuses reformat reforms refracts refreshing refs
refuges refurbishes refuses regaining regarded regenerates regicides region registrant regressing
regretted regularizes regulator rehabs rehearsing reign reimposes reinforced reinstall reinvented
reissues rejecting rejoinder rekindle relaid relational relaxants relearn relegated relevance
relics religions relive relocated remain remand remarriage remedied remind reminisces remitted
remonstrance remortgages remounting removing rename rendering renegade renegotiates renounced
renovators rents reoccur reordering rep repair repast repayment repeated repellent repercussion
rephrased replay repletes replications reportedly repositories reprehends repressions reprint
reproached reproduce reprogrammed reps republished repugnant reputation requesting requisite
reread resale rescission researchers resembles resents reservoir reshuffled residential resignations
resins resistors resolver resonating resoundingly respectful respelt respites responses restate
restful restless restoratives restrains restroom resubmit resume resurface resurrection retailing
retakes retardant retell reticent retirees retools retraced retrain retreating retributions
retrievers retrograde retrospected returning reunified reupholster revalue revealing reveling
revengeful reverence reverie reversion reviewing revised revitalized revivified revoked revolve
revved rewire reworking rhapsodize rhetorical rhinestones rhododendron rhymes ribbed richer
rickets ricocheting riddle ridgepole riding riffles rift righted rightists rigmaroles rill rind
ringlets rinse riots ripest ripping riser risking ritzier rivals riveted roached roadhouse roadsters
roams roasters robe robot rock rockiest rodeo rogered roiling roll rolling romanticism rompers
roofs rooks rooming roosts roping roses rosiness rotaries rotisserie rottenest rouges roughhouse
roughness roundelays roundup rout routinize roving rowed rows rte rubbernecks rubdown rubles
rudders rudiment ruffian rugged ruined rules rumbles ruminations rumoring rums rune runniest
rupee rushed rustically rustlers rutabaga sabbaticals saboteurs sachets sacraments sacrileges
saddened saddling safaried safeness sag sagged sailboard sailor saith salad saleable salesperson
saliva sallower salons saltest saltshaker salutes salver sambas sample sanatorium sanctions
sandbag sandblaster sanders sandmen sandstorms sang sanitized sapling saprophytes sarcomas sari
sashaying sassing sated satiating satirically satisfies saturnine saucier saunas savagely savannahes
saving savoriest saw sawyer sayings scabies scags scaled scalloping scalping scampered scandalized
scans scantiness scapulas scare scariest scarves scattered scenario scents schematic scherzos
schlep schmaltziest schnapps schoolbook schoolhouses schoolwork schussed scientist scions scoffs
scollops scooted scorched scored scorning scoundrels scouted scows scrambled scrapbooks scrapping
scratchy screaming screened screwball scribble scrimmages scrip scrod scrooges scrub scruffier
scrunching scrutinizes scuds sculled sculptor scumbags scuppers scurviest scythe seaboards sealants
seamed seaplane searching seashell seasonal seaward secedes second secret secretion sectarians
sects securer sedated sedge seduces seedier seeings seemlier seeps seethed segregate seismically
seizures selectman selfishly selloff selves semen semifinal seminary semitrailers sender sensation
sensibly sensor sentence sentinel separates sepsis sepulcher sequencers sequined seraph serene
serfs serials sermons servants servicemen servings setbacks settled sevens seventy severest
sewing sexiness sextet sexy shackling shadings shadows shaggier shake shakiest shallower shambles
shames shamrock shanties shapeliest sharecropper sharked sharpening shat shavers shear sheathing
sheen sheepskins sheik shelf shelling shenanigan sherbets shied shiftily shillalahs shimmered
shin shingle shinnies shipbuilders shippers shipyard shirr shirtsleeves shitty shlepped shock
shoddier shoehorns shoestrings shoot shopaholics shopper shores shortchanged shortenings shortish
shot shoulders shovelfuls showboated shower showiness showpieces shrapnel shrewdest shrike shrimp
shrinks shrives shrubbier shtick shuddered shun shushes shutterbug shuttles sibilant sicked
sickles sidearms sidekicks sidesaddle sidestrokes sidewalk sidles sieves sighing sightseer signalizing
signboards signify silence silents silicon silkworms silos silvering similarities simper simplex
simulated simulcasts sinecure singed singletons singularly sinks sinusoidal sire sirs sister
site situate sixteen sizable sizzling skating skeletons sketchiest skews skiff skills skimps
skinnier skippered skirted skittish skulking skunks skydove skylarked skyrockets slabbing slackest
slakes slamming slangier slaphappy slate slatternly slaver slay sleazily sledging sleep sleepwalk
sleet sleighing slept slicers slickness slier slily slims slinkiest slippages slipshod sliver
sloe slop slopping slothfulness slouching slovenly slowness sluggards sluiced slumbrous slumping
slurred sly smacks smarmy smartly smashing smelliest smidge smiles smirked smithy smoggy smokestacks
smooch smoothies smothers smudging smuggling snack snag snakebites snapped snapshots snarkier
snatches sneakiest sneezed sniff snigger sniping snitch snivels snoop snootier snored snorkelled
snottiest snowblowers snowed snowmobile snowshoe snubbing snuffle snuggle soaks soapstone sober
sobriquets socialistic societal socked sodding softballs softie soggily sojourns sold sole solemnized
solicited solider soliloquies solitude solubility solvents sombreros somersaulted somnambulism
songbird sonnies soothe sop soporific sorbet sore sorority sorrows sorties soughed soulmates
soundly soupier sourdough sours southerly southwest soviets soya spaceman spacewalks spade spammed
spangling spanners spares sparklers sparsely spastic spattered spay speaks spec specially specified
speck spectacles spectroscopy speculator speeder speedsters spellbinding spelling spends spew
sphincter spiciness spiels spikier spillway spindlier spiniest spinsterhood spirally spirits
spitballs spitfires splashdowns splatter spleens splicers splinters splotches spluttered spoilsport
spokeswoman sponging spoofed spool spoonful sporadically sporting sportswomen spots spouses
sprat spraying spreed spring sprinkle sprinters sprockets sprucing spumed spur spurs spy squabs
squalling squareness squashing squawk squeaks squeegee squelch squiggly squiring squirreling
squishes stability stables stacks stag staggered stagnating stainless stake stale staling stalling
stammered stampeding stanching standbys stands staplers starching staring starling started startup
stashes stateliest statesman stationers statue statutes staved steadfastly steak stealthily
steaming steamy steep steeply stellar stencilled stepbrother stepladders stepping stereoscopes
sterilizers sterns steward stick stickler stiffed stiffly stigmata still stilt stimuli stingray
stinted stipulated stirrings stochastic stockholders stockroom stoic stoking stomachache stoned
stoney stools stoplight stoppering storefronts storied storminess stouter stowaways strafes
straggly straights straitening strangeness strangling strata stratify straws streaks streamlining
strength stress stretchier stricken strident strikes stringers striping stripteased strode strolls
strop structure strum strutting stubborner stuccos studies studying stuffy stumbling stunk stupefied
stupidity sturgeon styes stylistic stymieing sub subconscious subdividing subheading subjective
subjugates sublets sublimer submerged submersion suborbital subplots subs subsection subsidence
subsidy substances substitutes subsumes subtitled subtotaled subtracts suburbs succeed successive
succored succumbs suckle suctions suede suffers suffixes suffragette sugarcane sugars suggestively
suitcase sulfate sulk sullen sulphured sultrier summarizes summering summoner sumptuous sunbeams
sundae sundries sunlamp sunrise sunspot superannuate superego superintend supermen superscript
supersonic supervenes supervisory supple supplicant supplies supports suppressed supremacists
surcharged sureties surfboards surge surlier surmounted surplices surprising surrendering surrounds
surveyors susceptible suspending sustain svelte swaddling swain swamis swanked swapped swarthiest
swatch swatter swear sweatier sweep sweetbreads sweetens sweetmeats swelling swerves swigging
swims swines swiping swishest switched swizzle swooped swordplay sybaritic syllabify sylphs
symbolized sympathies symphony synagogues synchronized syncs synergy syntax synthetics syringes
systematic tabbies tablecloths tabling tabuing tachometer tackiest tacky tacticians taffeta
tailed tailored taint takeouts talent talkers tally tamale tameness tampering tandem tangibility
tango tanker tannery tantamount tapes tapping tarball target tarmacs tarpaulin tarries tartars
task tasselling tastes tattered tattletales taunt tautological tawniest taxidermist taxonomy
teacher teaks teams tearful tearjerker teasels teat technically technologist teeing teenier
teeter teetotaler telecasts telegraphers telepathic telescope televised teller temerity temperature
template temporize tempter tenable tend tenderfoot tenderloins tendrils tenoning tenseness tent
tenuous tequila termed terminations termly terrapin terriers territories terrors testament testicles
testimonies tethered textile texturing thanking thatching theatrical theistic thenceforth theorems
theorizing thereabout thereupon thermostat thespians thickening thickset thighbones thingamajigs
thinners thirstier thirties thong thorns thou thousandth thrasher threat threescores threshing
thrifts thriven throb throng throughput throwers thrushes thug thumbtack thunderclaps thunk
thwarts tiaras ticketed tics tidied tie tiffing tightest tigresses tillable tilts time timeliness
timestamps timidity tincture ting tinglings tinkled tinseled tints tippled tipsters tire tiresomely
titanium titillates titter toadied toasters tobacconist toddies toehold tofu toggling toiletry
tokens tolerate tollgates tomb tome tonality tongues tonne tonsuring tooling toothed tooting
topics topographies toppling torch tormenter torpedo torques torsos tortuously tosses totalities
totems toucan touchingly tougher tourism tourniquets tow towellings town towpath toy tracery
tracker trade tradesmen trafficked tragically train traipses trammed tramping trances tranquillest
transacts transcribes transferal transfix transforms transgressor transition transitting translucent
transmute transphobic transport transsexual trap trapper trashes traumatized travelers travelogues
trawl treachery treads treasuries treatment treeing treks tremendously trenched trendy trestle
triangles tribulation trice tricking tricolors trifectas triggered trilled trimaran trimmings
tripartite triplicating triptychs triumph trivets trochee trolley trombonist trooper tropic
trotted troubleshoot troupe trousseaux troys trucker truculence truer trumped truncate trundling
trustee trusting truthiness tsar tubas tubercular tucked tufts tulle tumbrel tumults tunefully
tunnel turban turbots turf turmerics turned turnout turntables turtleneck tussled tutoring twaddled
tweaking tweeter twentieth twiddle twigs twingeing twinks twist twitching twofers tympana types
typewriters typically typographers tyrannizing tzar uglier ulcerated ulterior ultrasound umbilical
umlauts umpteenth unaccustomed unambiguous unashamed unattractive unbar unbeknownst unbiased
unblushing unbound unburden uncanniest uncertainly uncivil uncleaner unclothe uncommitted unconnected
uncorking uncover uncultivated undecidable undemocratic underage undercharged undercut underfeed
undergone underlays undermine underpasses underplaying undersea underside undersold understudies
undertones underwear underwritten undeterred undisputed undoubtedly undulating unearths unedited
unequaled uneventful unfailingly unfastened unfetter unflagging unforgiving unfriendly unfurling
ungovernable unhand unhealthful unhinged unhook unicameral uniformed unimpaired uninspiring
uninvited uniquely unites universes unkindlier unlabeled unlawfully unleavened unlisted unloosed
unmakes unmans unmercifully unnatural unnumbered unopened unpainted unpinning unpolluted unpromising
unquestioned unravels unreasoning unrelenting unresolved unrivalled unruly unsanctioned unscheduled
unscrews unseated unselfishly unsheathe unsmiling unsold unspecified unsteady unstudied unsupervised
untamed unthinking untimelier untouchables untruth unusable unveiling unwashed unwilling unwittingly
unwrapped upbeats upchucks upend upheavals upholsterers upliftings uppercase upraises uproot
upshots upstarted upswings upwardly urbanized urged urinalysis urologist used users usually
usurps utilities utopians uvula vacated vaccinated vacillating vacuums vagrancy vainest valentine
validate valises valued vamooses vandal vanguards vanned vaped vaporizer variables varicose
variously varsities vassalage vatted vaunted veer vegetate vehemently veining velours venders
veneers vengefully ventilated ventricular veracious verbalizes verbosity verge verify vermin
verses vertebrae vertices vessels vestments veterinaries vexation viaducts vibraphone vibrators
vice viciousness victories victuals vie viewings vigilantly viii vilifying villainy vindication
vineyard violable violence violists vireo virility virtuous visage viscounts vision visiting
visualized vitalizing viticulture viva vividness viz vocalists vocations vodka voicing volcano
volleying volubility volunteer vomiting vortex voting vouchsafes voyager vulcanizes vulgarized
vulvas wackiest waddled wadis wafting wagged wagoners wainscoted waistcoats waitresses wakeful
waldos walkout wallet walloping wallpapers wampum wanders wank wanner wantons warbling wardroom
warfare warlock warming warnings warrantied warrior wartime washboard washerwomen washtub waste
waster watchdog watchmaker waterbeds watered waterline waterproof watertight wattling wavered
waxed waxworks waylays weakening weaknesses weaning wearied wearying weatherize weaver webcasting
website wedgie weedier weekended weep weer weighs weighty welch welder wells weltered wended
westbound westernmost wetness whacker whaler wharf wheat wheelbases wheezed whelped whereat
wherever whey whiling whimsical whinier whiplash whirl whirr whiskey whispers whitecap whitens
whither whittling whodunnit wholesalers whoopee whopping why wickerwork widens widow wielded
wigged wiggly wiki wilderness wildly wiliest willingly wilts wimpy wind windfalls windmilled
windowsills windstorm windy winger wingspreads winning winsomely winterized wiped wires wisdom
wises wishfully wisteria witches withdrew without witnessing witty wizzes woebegone wolf wolves
womankind wombles wondering wont woodcocks woodenest woodman woodsiest wooed wool woolliness
wordier workable workday workhorses workmanlike workshop worldly worms worrying worshiped worst
worthless wounds wrangle wrapper wreaked wreckage wrenching wrestling wriest wringer wrinkling
write writs wrongful wrought xcii xii xviii xxx xylem yachtsmen yaks yanks yards yawl year yearnings
yelled yelp yes yest yielding yodel yoga yogurts yonder yours yowled yuckiest yum zanies zeal
zed zeppelins zests zinced zings zippiest zits zoned zoomed
`;

/** The words, sorted, distinct, each of 3–12 lowercase letters `a`–`z`. */
export const WORD_LIST: readonly string[] = Object.freeze(RAW.split(/\s+/).filter((word) => word !== ""));
